"""The home entry: the boards on this host and the power forecasts, as its subentries."""
