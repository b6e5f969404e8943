from django.contrib.auth import authenticate
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response


class TokenSignInSerializer(AuthTokenSerializer):
    """REST framework's token sign-in, authenticating with the underlying Django request
    so that django-axes counts failures and enforces its lockout here as on the login page."""

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs.get("username"),
            password=attrs.get("password"),
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to sign in with these credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenSignInView(ObtainAuthToken):
    """POST a username and password, receive the API token."""

    serializer_class = TokenSignInSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Answered, not raised: a raised error would roll back the request's
            # transaction, and with it django-axes' record of the failed attempt.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
