from django.urls import path


def object_routes(
    prefix: str, name: str, *, list=None, detail=None, edit=None, delete=None, history=None
):  # noqa: A002
    """The standard URLs of a record type: list, add, detail, edit, delete, history.

    The edit view serves "add" too. Views not given are not routed.
    """
    base = f"{prefix}/" if prefix else ""
    spec = [
        (list, base, "list"),
        (edit, f"{base}add/", "add"),
        (detail, f"{base}<int:pk>/", "detail"),
        (edit, f"{base}<int:pk>/edit/", "edit"),
        (delete, f"{base}<int:pk>/delete/", "delete"),
        (history, f"{base}<int:pk>/history/", "history"),
    ]
    return [
        path(route, view.as_view(), name=f"{name}_{word}") for view, route, word in spec if view
    ]
