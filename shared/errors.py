"""Errors the store raises. Each carries the contract's error code and HTTP status, so both
apps turn them into the same JSON answer without knowing the store's internals."""


class StoreError(Exception):
    code = "store_error"
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(StoreError):
    code = "validation_error"
    status = 400


class AlreadyExists(StoreError):
    code = "already_exists"
    status = 409


class NotFound(StoreError):
    code = "not_found"
    status = 404


class InvalidCredentials(StoreError):
    code = "invalid_credentials"
    status = 401


class TooManyAttempts(StoreError):
    code = "too_many_attempts"
    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class ConfigError(RuntimeError):
    """Refuse to start: a setting is missing or unsafe."""
