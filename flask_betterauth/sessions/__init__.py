"""The sessions room: import its modules by their full path."""
