from _servers import *  # noqa: F401,F403
