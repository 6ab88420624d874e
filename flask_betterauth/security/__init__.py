"""The security room: import its modules by their full path."""
