def register(router):  # noqa: ANN001, ANN201
    pass
