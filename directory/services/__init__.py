"""Services: every write to the directory goes through a function here (`<entity>_<verb>()`)."""
