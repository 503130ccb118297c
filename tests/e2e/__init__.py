"""Browser tests against script/develop's Home Assistant (run through script/e2e)."""
