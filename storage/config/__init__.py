"""Settings: the TOML file, FAPIAO_* variables, the values a supervisor changes in the app, secret files."""
