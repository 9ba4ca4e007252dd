"""Services floor: what the CLI, daemon and web call; imports spiders, pipelines, alerts, below."""
