from core.roles import ROLE_CAPABILITIES


def capabilities(request) -> dict:
    """`can.<capability>` in templates: the header's menu reads the same matrix as the views."""
    user = getattr(request, "user", None)
    held = ROLE_CAPABILITIES.get(user.role, frozenset()) if user and user.is_authenticated else frozenset()
    return {"can": {capability.value: True for capability in held}}
