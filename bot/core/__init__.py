"""The transport-free core: an Incoming message in, Reply objects out; knows no channel."""
