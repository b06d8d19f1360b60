// The auth domain (`AuthService`, `PasswordHasher`, `Credentials`, the throttles) comes with the adapter.
@_exported public import JWTAuthService
