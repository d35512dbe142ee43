"""One module per cloud: how it names what it bills (see ``identities``)."""
