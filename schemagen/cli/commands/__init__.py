"""CLI subcommands beyond compile/sql: one module per command (see ``cli._add_command_modules``)."""
