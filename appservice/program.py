"""The soudan process: start order, lifecycle and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import logging.config
import os
import signal
import sys
from functools import partial
from typing import Any

from mautrix.appservice.state_store.asyncpg import PgASStateStore
from mautrix.util.async_db import Database
from mautrix.util.program import Program
from yarl import URL

from . import __version__, db
from .accounts import SynapseAccounts
from .bot import Bot
from .catchup import Catchup
from .clock import Clock
from .config import Config, ConfigError
from .context import Context
from .db import Room, Tenant
from .delivery import Dispatcher, SoudanAppService
from .matrix import MatrixHandler
from .metrics import MetricsServer, trace_requests
from .private_files import make_private
from .scheduler import Scheduler
from .services import (
    groups,
    history,
    letters,
    rejoin,
    routing,
    sessions,
    shown_once,
    staff,
    statements,
    tenant_deletion,
    tenants,
)

log = logging.getLogger("soudan")


def logging_config(level: str, file: str | None) -> dict[str, Any]:
    handlers: dict[str, Any] = {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    }
    if file:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "formatter": "plain",
            "filename": file,
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
        }
    # mautrix and aiohttp log request details at DEBUG; below DEBUG they stay quiet.
    library_level = "DEBUG" if level == "DEBUG" else "WARNING"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": handlers,
        "loggers": {
            "mau": {"level": library_level},
            "aiohttp": {"level": library_level},
        },
        "root": {"level": level, "handlers": list(handlers)},
    }


def safe_url(url: str) -> str:
    parsed = URL(url)
    return str(parsed.with_password("***")) if parsed.password else url


class SoudanProgram(Program):
    module = "appservice"
    name = "soudan"
    command = "soudan run"
    version = __version__
    description = "A Matrix application service for counseling and support chat"

    config: Config  # type: ignore[assignment]
    database: Database
    az: SoudanAppService
    ctx: Context
    dispatcher: Dispatcher

    def prepare_arg_parser(self) -> None:
        super().prepare_arg_parser()
        self.parser.add_argument(
            "--allow-empty-database",
            action="store_true",
            help="start on an empty database even though the bot already has rooms on the "
            "homeserver (a new soudan on a homeserver an earlier one used)",
        )

    def prepare_config(self) -> None:
        try:
            self.config = Config.load(self.args.config)
            self.config.require_tokens()
        except ConfigError as e:
            print(f"soudan: {e}", file=sys.stderr)
            sys.exit(2)

    def prepare_log(self) -> None:
        logging.config.dictConfig(
            logging_config(self.config["logging.level"], self.config["logging.file"])
        )
        self.log = logging.getLogger("soudan")  # type: ignore[assignment]

    def check_config(self) -> None:
        pass  # Config.load has validated every key already

    def prepare(self) -> None:
        cfg = self.config
        self.database = Database.create(
            cfg["database.url"], upgrade_table=db.upgrade_table, log=logging.getLogger("mau.db")
        )
        db.init(self.database)
        path = cfg.database_path
        self._new_database_file = bool(path) and not os.path.exists(str(path))
        state_store = PgASStateStore(self.database)
        self.az = SoudanAppService(
            server=cfg["homeserver.address"],
            domain=cfg["homeserver.domain"],
            verify_ssl=cfg["homeserver.verify_ssl"],
            as_token=cfg["appservice.as_token"],
            hs_token=cfg["appservice.hs_token"],
            bot_localpart=cfg["appservice.bot_username"],
            id=cfg["appservice.id"],
            state_store=state_store,
            log="mau.as",
            bridge_name="soudan",
        )
        self.az.is_own_user = lambda user_id: self.ctx.is_own_user(user_id)
        # The provisioning app is mounted before the context exists (aiohttp freezes the app
        # at start); it finds the context in this list once start() has made it.
        self.provisioning_ctx: list[Context] = []
        if cfg["provisioning.enabled"]:
            from provisioning import api

            self.az.app.add_subapp(api.PREFIX, api.create_app(cfg, self.provisioning_ctx))
        self.state_store = state_store
        self.metrics: MetricsServer | None = None

    async def start(self) -> None:
        # Stop through the event loop: a KeyboardInterrupt raised in whatever callback happens
        # to be running can leave a database connection (and its thread) open forever.
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.loop.add_signal_handler(signum, self._request_stop)
        cfg = self.config
        for warning in cfg.warnings():
            self.log.warning("%s", warning)
        path = cfg.database_path
        self.log.info("Database: %s", path or safe_url(cfg["database.url"]))
        try:
            if path:
                make_private(path)  # accounts' rooms, notes and case history live there
            await self.database.start()
            await self.state_store.upgrade_table.upgrade(self.database)
        except Exception as e:
            self.log.critical(
                "Cannot open the database %s: %s", safe_url(cfg["database.url"]), e or type(e)
            )
            sys.exit(3)
        try:
            await self.az.start(host=cfg["appservice.hostname"], port=cfg["appservice.port"])
        except OSError as e:
            self.log.critical(
                "Cannot listen on %s:%s: %s", cfg["appservice.hostname"], cfg["appservice.port"], e
            )
            sys.exit(4)
        trace_requests(self.az.http_session)
        clock = Clock()
        if cfg["metrics.enabled"]:
            self.metrics = MetricsServer(clock.now_ms)
            try:
                await self.metrics.start(cfg["metrics.hostname"], cfg["metrics.port"])
            except OSError as e:
                self.log.critical(
                    "Cannot serve metrics on %s:%s: %s",
                    cfg["metrics.hostname"],
                    cfg["metrics.port"],
                    e,
                )
                await self.az.stop()  # nothing left listening keeps the process alive
                await self.database.stop()
                sys.exit(4)
        self.ctx = Context(
            config=cfg,
            az=self.az,
            bot=Bot(self.az.intent, cfg),
            accounts=SynapseAccounts(
                self.az.intent, cfg["homeserver.domain"], cfg["clients.localpart_prefix"]
            ),
            clock=clock,
            scheduler=Scheduler(clock),
        )
        self.provisioning_ctx.append(self.ctx)
        timer_handlers = {
            **tenants.TIMER_HANDLERS,
            **tenant_deletion.TIMER_HANDLERS,
            **staff.TIMER_HANDLERS,
            **routing.TIMER_HANDLERS,
            **history.TIMER_HANDLERS,
            **sessions.TIMER_HANDLERS,
            **letters.TIMER_HANDLERS,
            **statements.TIMER_HANDLERS,
            **shown_once.TIMER_HANDLERS,
            **rejoin.TIMER_HANDLERS,
            **groups.TIMER_HANDLERS,
        }
        for kind, timer_handler in timer_handlers.items():
            self.ctx.scheduler.on(kind, partial(timer_handler, self.ctx))
        # Who cleans up after a departure, in this order; who routes when a case closes.
        for table in (sessions.HOOKS, letters.HOOKS, routing.HOOKS):
            for event, hook in table.items():
                self.ctx.hooks.on(event, hook)
        handler = MatrixHandler(self.ctx)
        self.catchup = Catchup(self.ctx, stored=lambda: self.dispatcher.wake())
        self.dispatcher = Dispatcher(
            handler.handle, on_failure=self.catchup.homeserver_was_unreachable
        )
        self.az.ephemeral_handler = handler.handle_ephemeral
        self.az.homeserver_restarted = self.catchup.homeserver_was_unreachable
        self.az.inbox_stored = self.dispatcher.wake
        await self._wait_for_homeserver()
        await self._refuse_a_wrong_database()
        self.az.database_checked.set()
        await self.az.intent.ensure_registered()
        await self.az.intent.set_displayname(cfg["appservice.bot_displayname"])
        # Read back the rooms of open cases before handling anything, so that what was missed
        # while soudan was down is handled in the rooms' own order, not in arrival order.
        try:
            found = await self.catchup.run_once()
            if found:
                self.log.info("Catch-up at start found %d events not delivered yet", found)
        except Exception:
            self.log.exception("Catch-up at start failed")
        self.dispatcher.start()
        await self.ctx.bot.ensure_control_room()
        every_tenant = await Tenant.all()
        await history.schedule_summaries(self.ctx.scheduler, every_tenant, clock.now_ms())
        await statements.schedule(self.ctx.scheduler, every_tenant, clock.now_ms())
        # Group rooms a migration or an interrupted change left out of line with their
        # tenant's setting are brought in line by the timer loop, not in the way of the start.
        await groups.schedule_alignment(self.ctx)
        self.ctx.scheduler.start()
        self.catchup.start()
        self.az.ready = True
        self.log.info("soudan %s is running as %s", __version__, self.az.bot_mxid)

    def _request_stop(self) -> None:
        if not self._stop_task.done():
            self.manual_stop()

    async def _wait_for_homeserver(self) -> None:
        delay = 1.0
        while True:
            try:
                await self.az.intent.whoami()
                break
            except Exception as e:
                self.log.warning(
                    "Homeserver %s not reachable yet (%s); retrying in %.0f s",
                    self.config["homeserver.address"],
                    e or type(e).__name__,
                    delay,
                )
                await asyncio.wait([self._stop_task], timeout=delay)
                if self._stop_task.done():
                    raise SystemExit(0) from None
                delay = min(delay * 2, 30)
        try:
            await self.az.ping_self()
        except Exception as e:
            self.log.warning(
                "The homeserver could not reach soudan at %s (%s): check appservice.address "
                "and the registration",
                self.config["appservice.address"],
                e,
            )

    async def _refuse_a_wrong_database(self) -> None:
        """An empty database while the bot already has rooms is most likely not the database
        soudan ran on before (a relative path taken from elsewhere, a changed database.url).
        Starting on it would make a second control room and answer every existing room as a
        stranger's, so soudan stops before it creates or stores anything."""
        if await Room.any_known():
            return
        rooms = await self.az.intent.get_joined_rooms()
        if not rooms:
            return
        where = self.config.database_path or safe_url(self.config["database.url"])
        if self.args.allow_empty_database:
            self.log.warning(
                "Starting on the empty database %s although %s is in %d rooms "
                "(--allow-empty-database)",
                where,
                self.az.bot_mxid,
                len(rooms),
            )
            return
        self.log.critical(
            "Refusing to start: the database %s is empty, but %s is already in %d rooms on "
            "the homeserver, so this is not the database soudan used before. Check database.url "
            "in %s (a relative path is taken from the config file's directory, %s). To start "
            "anew on this homeserver all the same, run `soudan run` with --allow-empty-database.",
            where,
            self.az.bot_mxid,
            len(rooms),
            self.config.directory / self.config.path.name,
            self.config.directory,
        )
        await self.az.stop()
        await self.database.stop()
        if self._new_database_file and self.config.database_path:
            # The file this start made holds nothing: leave no second database behind.
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.config.database_path + suffix)
        sys.exit(5)

    async def stop(self) -> None:
        if hasattr(self, "dispatcher"):
            await self.dispatcher.stop()
            await self.ctx.scheduler.stop()
            await self.catchup.stop()
        if self.metrics:
            await self.metrics.stop()
        await self.az.stop()
        await self.database.stop()
