"""``arbot demo``: the whole loop offline on embedded servers, narrated."""
