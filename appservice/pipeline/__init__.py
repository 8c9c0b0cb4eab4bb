"""Where the events of clients' and operators' rooms meet the features.

The pipeline is above every feature: it imports them at module top and calls them in the order
an event needs (a client's line may answer a letter's question, rate a closed case, answer the
intake question, run a command, or open a case). No feature imports the pipeline."""
