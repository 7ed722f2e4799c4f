"""The Permissions-Policy header, which Django's SecurityMiddleware does not set.

The other security headers come from Django (HSTS, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, X-Frame-Options) and django-csp (Content-Security-Policy); see
integrity/settings.py and SECURITY.md.
"""

from django.conf import settings


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response
