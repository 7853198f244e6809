"""The object model rules see: objects with API-server defaults, the set index, rule context, quantities and name syntax."""
