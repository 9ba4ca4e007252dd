"""Item pipeline stages (extract -> normalise -> dedupe -> tag -> store) over pure modules."""
