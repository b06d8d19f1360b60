print("jwt-auth")
