"""The OpenAPI document describes exactly the provisioning API's routes (no Matrix needed)."""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from ruamel.yaml import YAML

from appservice import commands
from appservice.config import Config
from provisioning import api

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "provisioning" / "openapi.yaml"
EXAMPLE_CONFIG = ROOT / "config" / "example-config.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TOKEN_TEXT = {
    "platform": "Token: platform only",
    "tenant": "Token: the platform token, or the tenant's own admin token",
    "any": "Token: any valid token",
    "none": "Token: none",
}

Operation = tuple[str, str]  # (METHOD, path template)
# Commands whose operation the API must offer too; an operation names the commands it stands
# for in `x-soudan-commands`.
MUST_HAVE_ROUTES = {
    "set-greeting",
    "set-preview",
    "set-personas",
    "set-group-chat",
    "set-text",
    "set-intake",
    "set-team",
    "slot-move",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    data = YAML(typ="safe").load(DOCUMENT.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def app() -> web.Application:
    return api.create_app(Config.load(EXAMPLE_CONFIG), [])


@pytest.fixture(scope="module")
def handlers(app: web.Application) -> dict[Operation, Callable[..., Any]]:
    found: dict[Operation, Callable[..., Any]] = {}
    for route in app.router.routes():
        if route.method == "HEAD":  # aiohttp adds HEAD to every GET route
            continue
        assert route.resource is not None
        found[(route.method, route.resource.canonical)] = route.handler
    return found


def _operations(doc: dict[str, Any]) -> dict[Operation, dict[str, Any]]:
    return {
        (method.upper(), path): item[method]
        for path, item in doc["paths"].items()
        for method in METHODS
        if method in item
    }


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local references are allowed: {ref}"
    node: Any = doc
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and key in node, f"unresolved $ref {ref}"
        node = node[key]
    return node


def _deref(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _resolve(doc, node["$ref"])
    return node


def _walk(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _source(handler: Callable[..., Any]) -> str:
    return inspect.getsource(handler)


def test_document_is_openapi_3_1(doc: dict[str, Any]) -> None:
    assert str(doc["openapi"]).startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert "Accept-Language: ja" in doc["info"]["description"]
    assert doc["servers"] == [{"url": api.PREFIX}]


def test_document_lists_exactly_the_routes(
    doc: dict[str, Any], handlers: dict[Operation, Callable[..., Any]]
) -> None:
    documented = set(_operations(doc))
    served = set(handlers)
    assert served - documented == set(), "routes missing from openapi.yaml"
    assert documented - served == set(), "openapi.yaml documents routes that do not exist"


def test_every_operation_has_a_summary_and_a_success(doc: dict[str, Any]) -> None:
    for key, op in _operations(doc).items():
        assert isinstance(op.get("summary"), str) and op["summary"].strip(), key
        statuses = [str(status) for status in op.get("responses", {})]
        assert any(re.fullmatch(r"2\d\d", status) for status in statuses), key
        for status in statuses:
            response = _deref(doc, op["responses"][status])
            assert response.get("description"), (key, status)


def test_path_parameters_are_declared(doc: dict[str, Any]) -> None:
    for (method, path), op in _operations(doc).items():
        item = doc["paths"][path]
        params = [_deref(doc, p) for p in item.get("parameters", []) + op.get("parameters", [])]
        declared = {p["name"] for p in params if p["in"] == "path"}
        assert declared == set(re.findall(r"\{([^}/]+)\}", path)), (method, path)
        assert all(p.get("required") is True for p in params if p["in"] == "path"), path


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    refs = 0
    for where, node in _walk(doc):
        if isinstance(node, dict) and "$ref" in node:
            assert isinstance(node["$ref"], str), where
            _resolve(doc, node["$ref"])
            refs += 1
    assert refs > 0


def test_bodies_declare_required_fields(doc: dict[str, Any]) -> None:
    for key, op in _operations(doc).items():
        if "requestBody" not in op:
            continue
        schema = _deref(doc, op["requestBody"]["content"]["application/json"]["schema"])
        assert schema["type"] == "object", key
        assert set(schema.get("required", [])) <= set(schema["properties"]), key


def test_documented_tokens_match_the_handlers(
    doc: dict[str, Any], handlers: dict[Operation, Callable[..., Any]]
) -> None:
    """Which token may call an operation follows from the checks its handler makes."""
    operations = _operations(doc)
    for key, handler in handlers.items():
        path = key[1]
        op = operations[key]
        source = _source(handler)
        if path in api.PUBLIC:
            expected = "none"
        elif "require_platform(request)" in source:
            expected = "platform"
        elif "tenant_of(request)" in source:
            expected = "tenant"
        else:
            expected = "any"
        assert op.get("x-soudan-token") == expected, key
        assert TOKEN_TEXT[expected] in op.get("description", ""), key
        public = op.get("security", doc["security"]) == []
        assert public == (expected == "none"), key
        responses = {str(status) for status in op["responses"]}
        assert ("401" in responses) == (not public), key
        assert ("403" in responses) == (expected in ("platform", "tenant")), key
        if expected == "tenant":
            assert "404" in responses, key  # an unknown slug with the platform token


def test_documented_statuses_match_the_handlers(
    doc: dict[str, Any], handlers: dict[Operation, Callable[..., Any]]
) -> None:
    operations = _operations(doc)
    for key, handler in handlers.items():
        source = _source(handler)
        responses = {str(status) for status in operations[key]["responses"]}
        success = "201" if "status=201" in source else "200"
        assert {s for s in responses if s.startswith("2")} == {success}, key
        reads_body = "body(request)" in source
        assert ("413" in responses) == reads_body, key
        assert ("requestBody" in operations[key]) == reads_body, key
        if reads_body:
            assert "400" in responses, key
        # Handlers that need the running context answer 503 while soudan is starting.
        assert ("503" in responses) == ("context(request)" in source), key


def test_schemas_are_valid_json_schema(doc: dict[str, Any]) -> None:
    import jsonschema

    checked = 0
    for where, node in _walk(doc):
        if where.endswith("/schema") or re.fullmatch(r"#/components/schemas/[^/]+", where):
            jsonschema.Draft202012Validator.check_schema(node)
            checked += 1
    assert checked > 0


def test_openapi_spec_validator(doc: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(doc)


async def test_served_document_is_this_file(aiohttp_client: Any) -> None:
    client = await aiohttp_client(api.create_app(Config.load(EXAMPLE_CONFIG), []))
    response = await client.get("/openapi.yaml")
    assert response.status == 200
    assert await response.text() == DOCUMENT.read_text(encoding="utf-8")
    response = await client.get("/status")
    assert response.status == 401
    assert (await response.json())["errcode"] == "M_MISSING_TOKEN"


def _core_calls(func: Callable[..., Any]) -> set[Any]:
    """The functions of soudan's core (its services and toolkit, not a door) that ``func``
    calls as ``module.function(…)``."""
    found = set()
    for module_name, name in re.findall(r"\b(\w+)\.(\w+)\(", _source(func)):
        module = func.__globals__.get(module_name)
        if not isinstance(module, types.ModuleType):
            continue
        target = getattr(module, name, None)
        where = getattr(target, "__module__", "") or ""
        if callable(target) and where.startswith("appservice.") and ".commands" not in where:
            found.add(target)
    return found


def test_commands_and_their_routes_call_the_same_core(
    doc: dict[str, Any], handlers: dict[Operation, Callable[..., Any]]
) -> None:
    """Route parity: each command named by an operation exists, and the operation's handler
    calls the core function the command calls; the commands that must have a route have one."""
    operations = _operations(doc)
    mapped: dict[str, list[Operation]] = {}
    for key, op in operations.items():
        for name in op.get("x-soudan-commands", []):
            mapped.setdefault(name, []).append(key)
    assert MUST_HAVE_ROUTES - set(mapped) == set(), "commands without an API route"
    for name, keys in mapped.items():
        command = commands.get_command(name)
        assert command is not None, f"x-soudan-commands names no command {name!r}"
        called = _core_calls(command.func)
        assert called, name
        for key in keys:
            assert called & _core_calls(handlers[key]), (name, key, called)
            assert f"`{name}" in operations[key]["description"], (name, key)
