"""The members' web pages: server-rendered, in five languages, usable with JavaScript off."""
