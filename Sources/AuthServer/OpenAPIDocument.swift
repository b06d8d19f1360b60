// Generated from Sources/AuthServer/Resources/openapi.json by OpenAPIEmbeddedTests, which fails while
// this file is stale: JWT_AUTH_REGENERATE=1 swift test --filter OpenAPIEmbeddedTests
// swift-format-ignore-file

/// The OpenAPI 3.1 document of the service, compiled in (its `info.version` is set when served).
enum OpenAPIDocument {
    static let json = ##"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "jwt-auth",
    "version": "0.2.0",
    "description": "The JWTAuth auth service (`jwt-auth serve`): users, login with bcrypt, access and refresh tokens (JWT), refresh with rotation and reuse detection, revocation, and example protected routes. Errors are `{\"error\": code, \"msg\": message}`; every 401 carries `WWW-Authenticate: Bearer`. Request bodies are JSON only, at most 64 KiB. Unknown paths answer 404, known paths with another method 405 with `Allow`, both with the error body."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "tags": [
    {
      "name": "auth",
      "description": "Users, login and sessions."
    },
    {
      "name": "api",
      "description": "Example protected routes."
    },
    {
      "name": "keys",
      "description": "Key distribution."
    },
    {
      "name": "operations",
      "description": "Health, metrics and this document."
    }
  ],
  "paths": {
    "/auth/register": {
      "post": {
        "operationId": "register",
        "summary": "Create a user",
        "description": "Creates a user with no roles. Open unless REGISTRATION=closed.",
        "tags": [
          "auth"
        ],
        "responses": {
          "201": {
            "description": "The new user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            },
            "links": {
              "Login": {
                "operationId": "login",
                "description": "Logs the new user in with the password it registered with.",
                "requestBody": {
                  "username": "$response.body#/username",
                  "password": "$request.body#/password"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "description": "`conflict`: Username already exists.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "429": {
            "$ref": "#/components/responses/RegistrationLimited"
          },
          "503": {
            "$ref": "#/components/responses/UnavailableOrBusy"
          }
        },
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Credentials"
              }
            }
          }
        }
      }
    },
    "/auth/login": {
      "post": {
        "operationId": "login",
        "summary": "Log in",
        "description": "Checks the password (bcrypt) and opens a session: a fresh access token and a refresh token. An unknown user and a wrong password get the same 401 after the same work.",
        "tags": [
          "auth"
        ],
        "responses": {
          "200": {
            "description": "A new access and refresh token.",
            "headers": {
              "Cache-Control": {
                "$ref": "#/components/headers/Cache-Control"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenPair"
                }
              }
            },
            "links": {
              "Me": {
                "operationId": "me",
                "description": "The user of the new access token.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Protected": {
                "operationId": "protected",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Verify": {
                "operationId": "verify",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Logout": {
                "operationId": "logout",
                "description": "Ends the session, the refresh token given in the body with it.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                },
                "requestBody": {
                  "refresh_token": "$response.body#/refresh_token"
                }
              },
              "LogoutAll": {
                "operationId": "logoutAll",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Refresh": {
                "operationId": "refresh",
                "description": "Spends the refresh token for a new pair.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/refresh_token}"
                }
              },
              "ChangePassword": {
                "operationId": "changePassword",
                "description": "A login's access token is fresh.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "401": {
            "description": "`invalid_credentials`: Bad username or password.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWW-Authenticate"
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/UnavailableOrBusy"
          }
        },
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Credentials"
              }
            }
          }
        }
      }
    },
    "/auth/fresh-login": {
      "post": {
        "operationId": "freshLogin",
        "summary": "Log in again for a fresh access token",
        "description": "Like login, but returns only a fresh access token (for routes such as PUT /auth/password).",
        "tags": [
          "auth"
        ],
        "responses": {
          "200": {
            "description": "A fresh access token.",
            "headers": {
              "Cache-Control": {
                "$ref": "#/components/headers/Cache-Control"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AccessToken"
                }
              }
            },
            "links": {
              "ChangePassword": {
                "operationId": "changePassword",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Me": {
                "operationId": "me",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "401": {
            "description": "`invalid_credentials`: Bad username or password.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWW-Authenticate"
              }
            }
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/UnavailableOrBusy"
          }
        },
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Credentials"
              }
            }
          }
        }
      }
    },
    "/auth/refresh": {
      "post": {
        "operationId": "refresh",
        "summary": "Rotate the refresh token",
        "description": "Spends the refresh token and returns a new pair in the same session (the access token is not fresh). A spent refresh token presented again revokes its whole session (reuse detection).",
        "tags": [
          "auth"
        ],
        "responses": {
          "200": {
            "description": "A new access and refresh token.",
            "headers": {
              "Cache-Control": {
                "$ref": "#/components/headers/Cache-Control"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenPair"
                }
              }
            },
            "links": {
              "Me": {
                "operationId": "me",
                "description": "The user of the new access token.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Protected": {
                "operationId": "protected",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Verify": {
                "operationId": "verify",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Logout": {
                "operationId": "logout",
                "description": "Ends the session, the refresh token given in the body with it.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                },
                "requestBody": {
                  "refresh_token": "$response.body#/refresh_token"
                }
              },
              "LogoutAll": {
                "operationId": "logoutAll",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/access_token}"
                }
              },
              "Refresh": {
                "operationId": "refresh",
                "description": "Spends the refresh token for a new pair.",
                "parameters": {
                  "header.Authorization": "Bearer {$response.body#/refresh_token}"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "refreshToken": []
          }
        ]
      }
    },
    "/auth/logout": {
      "post": {
        "operationId": "logout",
        "summary": "Log out",
        "description": "Revokes the access token and its session; with a `refresh_token` of the same user in the body, that token's session too.",
        "tags": [
          "auth"
        ],
        "responses": {
          "204": {
            "description": "Done; no body.",
            "links": {
              "RefreshEnded": {
                "operationId": "refresh",
                "description": "The refresh token given in the body is revoked with the session: 401 `token_revoked`.",
                "parameters": {
                  "header.Authorization": "Bearer {$request.body#/refresh_token}"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LogoutRequest"
              }
            }
          }
        }
      }
    },
    "/auth/logout-all": {
      "post": {
        "operationId": "logoutAll",
        "summary": "Log out everywhere",
        "description": "Rejects every token of the user issued before now and revokes every open session; later logins work.",
        "tags": [
          "auth"
        ],
        "responses": {
          "204": {
            "description": "Done; no body."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ]
      }
    },
    "/auth/password": {
      "put": {
        "operationId": "changePassword",
        "summary": "Change the password",
        "description": "Needs a fresh access token. Revokes every session of the user.",
        "tags": [
          "auth"
        ],
        "responses": {
          "204": {
            "description": "Done; no body."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/PasswordChange"
              }
            }
          }
        }
      }
    },
    "/auth/me": {
      "get": {
        "operationId": "me",
        "summary": "The current user",
        "description": "The user the access token speaks for.",
        "tags": [
          "auth"
        ],
        "responses": {
          "200": {
            "description": "The user.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/User"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ]
      }
    },
    "/auth/verify": {
      "get": {
        "operationId": "verify",
        "summary": "Check a token for a gateway",
        "description": "For nginx `auth_request`, Traefik ForwardAuth and Envoy `ext_authz`: checks the token in the `Authorization` header or, for browsers, the cookies (with the CSRF rule applied to the method in `X-Forwarded-Method` or `X-Original-Method`), revocation included. `?role=R` and `?aud=A` add requirements; each may repeat. Envoy `ext_authz` (HTTP mode), which keeps the original method and appends the original path, is answered the same way under `/auth/verify/<path>` for GET, HEAD, POST, PUT, PATCH and DELETE.",
        "tags": [
          "auth"
        ],
        "parameters": [
          {
            "name": "role",
            "in": "query",
            "required": false,
            "description": "A role the token must carry.",
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "style": "form",
            "explode": true
          },
          {
            "name": "aud",
            "in": "query",
            "required": false,
            "description": "An audience the token must name.",
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "style": "form",
            "explode": true
          }
        ],
        "responses": {
          "200": {
            "description": "The token is good: the identity is in the headers; no body.",
            "headers": {
              "X-Auth-Subject": {
                "$ref": "#/components/headers/X-Auth-Subject"
              },
              "X-Auth-Roles": {
                "$ref": "#/components/headers/X-Auth-Roles"
              },
              "X-Auth-Session": {
                "$ref": "#/components/headers/X-Auth-Session"
              },
              "Cache-Control": {
                "$ref": "#/components/headers/Cache-Control"
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "`insufficient_scope`: a role or audience asked for is missing.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWW-Authenticate"
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ]
      }
    },
    "/auth/introspect": {
      "post": {
        "operationId": "introspect",
        "summary": "RFC 7662 token introspection",
        "description": "For other services: the client authenticates with HTTP Basic (a pair of INTROSPECTION_CLIENTS); the form field `token` is checked in full, revocation included. A bad token is not an error: it is `{\"active\": false}`.",
        "tags": [
          "auth"
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/x-www-form-urlencoded": {
              "schema": {
                "type": "object",
                "required": [
                  "token"
                ],
                "properties": {
                  "token": {
                    "type": "string",
                    "minLength": 1
                  },
                  "token_type_hint": {
                    "type": "string",
                    "description": "Accepted and ignored."
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The token's state.",
            "headers": {
              "Cache-Control": {
                "$ref": "#/components/headers/Cache-Control"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Introspection"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "description": "`invalid_credentials`: Unknown introspection client.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "required": true,
                "description": "`Basic realm=\"jwt-auth\"`",
                "schema": {
                  "type": "string",
                  "pattern": "^Basic realm=\"jwt-auth\"$"
                }
              }
            }
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "415": {
            "description": "`unsupported_media_type`: the body is not `application/x-www-form-urlencoded`.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "introspectionClient": []
          }
        ]
      }
    },
    "/api/protected": {
      "get": {
        "operationId": "protected",
        "summary": "An example protected route",
        "description": "Answers with the token's identity (`@jwt_required()`).",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The identity.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subject"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ]
      }
    },
    "/api/optional": {
      "get": {
        "operationId": "optional",
        "summary": "An example optional route",
        "description": "Answers with the identity, or null without a token (`@jwt_required(optional=True)`). A token that is present but invalid is still a 401.",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The identity or null.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/OptionalSubject"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {},
          {
            "accessToken": []
          }
        ]
      }
    },
    "/api/admin": {
      "get": {
        "operationId": "admin",
        "summary": "An example admin route",
        "description": "Needs the role `admin` in the token's `roles` claim (grant it with `jwt-auth users add NAME --role admin`).",
        "tags": [
          "api"
        ],
        "responses": {
          "200": {
            "description": "The identity.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Subject"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "description": "`insufficient_scope`: Missing required role: admin.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            },
            "headers": {
              "WWW-Authenticate": {
                "$ref": "#/components/headers/WWW-Authenticate"
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "security": [
          {
            "accessToken": []
          }
        ]
      }
    },
    "/.well-known/jwks.json": {
      "get": {
        "operationId": "jwks",
        "summary": "The public keys",
        "description": "The keys that verify the service's tokens, as a JWK Set (empty for HMAC).",
        "tags": [
          "keys"
        ],
        "responses": {
          "200": {
            "description": "The JWK Set.",
            "headers": {
              "Cache-Control": {
                "description": "Cacheable for five minutes.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JWKS"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/livez": {
      "get": {
        "operationId": "livez",
        "summary": "Liveness",
        "description": "200 while the process answers requests. Touches no store: for an orchestrator's liveness probe, which restarts a process that stops answering, not one whose database is down.",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "The process answers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Liveness"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readyz",
        "summary": "Readiness",
        "description": "200 while every store answers, 503 otherwise (the same answer as /health): for a load balancer's health check and an orchestrator's readiness probe.",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "Every store answers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "503": {
            "description": "A store is down.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/health": {
      "get": {
        "operationId": "health",
        "summary": "Health",
        "description": "200 while every store answers, 503 otherwise. The same as /readyz.",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "Every store answers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          },
          "503": {
            "description": "A store is down.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Health"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "description": "Token checks, rejections by code, bcrypt queue and timings, revocation store latency.",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "Prometheus text format.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          }
        },
        "security": []
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPI",
        "summary": "This document",
        "description": "The OpenAPI 3.1 description of the service.",
        "tags": [
          "operations"
        ],
        "responses": {
          "200": {
            "description": "This document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        },
        "security": []
      }
    }
  },
  "components": {
    "securitySchemes": {
      "accessToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from /auth/login, /auth/fresh-login or /auth/refresh: `Authorization: Bearer <JWT>`."
      },
      "refreshToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A refresh token from /auth/login or /auth/refresh: `Authorization: Bearer <JWT>`."
      },
      "introspectionClient": {
        "type": "http",
        "scheme": "basic",
        "description": "An introspection client of INTROSPECTION_CLIENTS (`id:secret` pairs): HTTP Basic with the id and the secret."
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "description": "Every error response: a stable machine code and a message safe to show (Flask-JWT-Extended's wording).",
        "required": [
          "error",
          "msg"
        ],
        "additionalProperties": false,
        "properties": {
          "error": {
            "type": "string",
            "enum": [
              "missing_token",
              "invalid_header",
              "invalid_token",
              "token_expired",
              "token_revoked",
              "wrong_token_type",
              "fresh_token_required",
              "csrf_failed",
              "user_not_found",
              "insufficient_scope",
              "invalid_credentials",
              "rate_limited",
              "bad_request",
              "conflict",
              "forbidden",
              "payload_too_large",
              "unsupported_media_type",
              "not_found",
              "method_not_allowed",
              "unavailable",
              "internal_error"
            ]
          },
          "msg": {
            "type": "string"
          }
        },
        "examples": [
          {
            "error": "token_expired",
            "msg": "Token has expired"
          }
        ]
      },
      "Username": {
        "type": "string",
        "format": "username",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*$",
        "description": "1 to 64 Unicode characters (code points), RFC 8265 (PRECIS): stored and shown as entered after width mapping and NFC (UsernameCasePreserved: fullwidth letters become their ASCII forms), unique and logged in without regard to case (UsernameCaseMapped: `Alice` is `alice`). Invisible, default-ignorable, bidi-control, space and line-separator characters, unassigned code points, compatibility characters, names that break the bidi rule and more than 4 combining marks on one character are refused with 400 `bad_request` naming the rule.",
        "examples": [
          "alice"
        ]
      },
      "Password": {
        "type": "string",
        "format": "password",
        "minLength": 8,
        "maxLength": 72,
        "pattern": "^[^\\u0000]*$",
        "description": "8 to 72 bytes of UTF-8 (bcrypt's limit), no NUL. The service counts bytes, so a password of non-ASCII characters holds fewer than 72 of them; a longer one is refused with 400, never truncated.",
        "examples": [
          "correct horse battery"
        ]
      },
      "Credentials": {
        "type": "object",
        "required": [
          "username",
          "password"
        ],
        "properties": {
          "username": {
            "$ref": "#/components/schemas/Username"
          },
          "password": {
            "$ref": "#/components/schemas/Password"
          }
        }
      },
      "PasswordChange": {
        "type": "object",
        "required": [
          "new_password"
        ],
        "properties": {
          "new_password": {
            "$ref": "#/components/schemas/Password"
          }
        }
      },
      "LogoutRequest": {
        "type": "object",
        "description": "Optional: a refresh token of the same user to revoke along with the access token's session.",
        "properties": {
          "refresh_token": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "User": {
        "type": "object",
        "required": [
          "id",
          "username",
          "roles"
        ],
        "additionalProperties": false,
        "properties": {
          "id": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "The user's id, a decimal string; tokens carry it as `sub`."
          },
          "username": {
            "type": "string"
          },
          "roles": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        },
        "examples": [
          {
            "id": "1",
            "username": "alice",
            "roles": []
          }
        ]
      },
      "TokenPair": {
        "type": "object",
        "required": [
          "access_token",
          "refresh_token",
          "token_type",
          "expires_in"
        ],
        "additionalProperties": false,
        "properties": {
          "access_token": {
            "$ref": "#/components/schemas/JWT"
          },
          "refresh_token": {
            "$ref": "#/components/schemas/JWT"
          },
          "token_type": {
            "const": "Bearer"
          },
          "expires_in": {
            "type": "integer",
            "minimum": 1,
            "description": "Seconds the access token lives (900 by default)."
          }
        }
      },
      "AccessToken": {
        "type": "object",
        "required": [
          "access_token",
          "token_type",
          "expires_in"
        ],
        "additionalProperties": false,
        "properties": {
          "access_token": {
            "$ref": "#/components/schemas/JWT"
          },
          "token_type": {
            "const": "Bearer"
          },
          "expires_in": {
            "type": "integer",
            "minimum": 1
          }
        }
      },
      "JWT": {
        "type": "string",
        "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
        "description": "A JWS compact token. Claims: sub, iat, nbf, exp, jti, type (access | refresh), sid, fresh (access tokens), roles, csrf, and iss/aud when configured."
      },
      "Subject": {
        "type": "object",
        "required": [
          "user"
        ],
        "additionalProperties": false,
        "properties": {
          "user": {
            "type": "string",
            "description": "The token's identity (`sub`)."
          }
        }
      },
      "OptionalSubject": {
        "type": "object",
        "required": [
          "user"
        ],
        "additionalProperties": false,
        "properties": {
          "user": {
            "type": [
              "string",
              "null"
            ],
            "description": "The token's identity, or null without a token."
          }
        }
      },
      "JWKS": {
        "type": "object",
        "required": [
          "keys"
        ],
        "properties": {
          "keys": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/JWK"
            }
          }
        }
      },
      "JWK": {
        "type": "object",
        "required": [
          "kty",
          "kid",
          "alg",
          "use"
        ],
        "description": "A public key; private members are never published, HMAC keys never listed.",
        "not": {
          "anyOf": [
            {
              "required": [
                "d"
              ]
            },
            {
              "required": [
                "k"
              ]
            },
            {
              "required": [
                "p"
              ]
            },
            {
              "required": [
                "q"
              ]
            }
          ]
        },
        "properties": {
          "kty": {
            "enum": [
              "EC",
              "RSA",
              "OKP"
            ]
          },
          "kid": {
            "type": "string",
            "description": "The key's RFC 7638 thumbprint."
          },
          "alg": {
            "type": "string"
          },
          "use": {
            "const": "sig"
          },
          "crv": {
            "type": "string"
          },
          "x": {
            "type": "string"
          },
          "y": {
            "type": "string"
          },
          "n": {
            "type": "string"
          },
          "e": {
            "type": "string"
          }
        }
      },
      "Health": {
        "type": "object",
        "required": [
          "status",
          "stores"
        ],
        "additionalProperties": false,
        "properties": {
          "status": {
            "enum": [
              "ok",
              "unavailable"
            ]
          },
          "stores": {
            "type": "object",
            "additionalProperties": {
              "enum": [
                "ok",
                "down"
              ]
            },
            "description": "Each store's state, e.g. {\"database\": \"ok\"}."
          }
        }
      },
      "Liveness": {
        "type": "object",
        "required": [
          "status"
        ],
        "additionalProperties": false,
        "properties": {
          "status": {
            "const": "ok"
          }
        }
      },
      "Introspection": {
        "type": "object",
        "required": [
          "active"
        ],
        "description": "RFC 7662. An inactive token (invalid, expired, revoked, …) is only `{\"active\": false}`.",
        "properties": {
          "active": {
            "type": "boolean"
          },
          "client_id": {
            "type": "string"
          },
          "sub": {
            "type": "string"
          },
          "jti": {
            "type": "string"
          },
          "iss": {
            "type": "string"
          },
          "aud": {
            "oneOf": [
              {
                "type": "string"
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            ]
          },
          "exp": {
            "type": "integer"
          },
          "iat": {
            "type": "integer"
          },
          "nbf": {
            "type": "integer"
          },
          "token_type": {
            "enum": [
              "access_token",
              "refresh_token"
            ]
          },
          "scope": {
            "type": "string",
            "description": "The token's roles, separated by spaces."
          }
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "`bad_request`: malformed JSON, a missing member, a member of the wrong type, or a value the rules refuse (username, password).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "`missing_token`, `invalid_header`, `invalid_token`, `token_expired`, `token_revoked`, `wrong_token_type`, `fresh_token_required`, `csrf_failed` or `user_not_found`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWW-Authenticate"
          }
        }
      },
      "Forbidden": {
        "description": "`forbidden`: the account is disabled, or registration is closed.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "$ref": "#/components/headers/WWW-Authenticate-Scope"
          }
        }
      },
      "PayloadTooLarge": {
        "description": "`payload_too_large`: the body is over 64 KiB.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "UnsupportedMediaType": {
        "description": "`unsupported_media_type`: the body is not `application/json`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TooManyRequests": {
        "description": "`rate_limited`: LOGIN_ATTEMPTS failures for this username or client address within LOGIN_WINDOW.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "$ref": "#/components/headers/Retry-After"
          }
        }
      },
      "Unavailable": {
        "description": "`unavailable`: a store is unreachable; the request fails closed.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "RegistrationLimited": {
        "description": "`rate_limited`: REGISTER_ATTEMPTS registrations from this client address within LOGIN_WINDOW.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "$ref": "#/components/headers/Retry-After"
          }
        }
      },
      "UnavailableOrBusy": {
        "description": "`unavailable`: a store is unreachable (the request fails closed), or the bcrypt queue is full (with `Retry-After: 1`).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        },
        "headers": {
          "Retry-After": {
            "$ref": "#/components/headers/Retry-After-Busy"
          }
        }
      }
    },
    "headers": {
      "WWW-Authenticate": {
        "required": true,
        "description": "RFC 6750: `Bearer realm=\"jwt-auth\"`, plus `error=\"invalid_token\"` and an `error_description` when a token was presented.",
        "schema": {
          "type": "string",
          "pattern": "^Bearer realm=\"jwt-auth\""
        }
      },
      "WWW-Authenticate-Scope": {
        "required": false,
        "description": "`Bearer realm=\"jwt-auth\", error=\"insufficient_scope\", …` when a role is missing; absent for a disabled account or closed registration.",
        "schema": {
          "type": "string",
          "pattern": "^Bearer realm=\"jwt-auth\""
        }
      },
      "Retry-After": {
        "required": true,
        "description": "Seconds until the throttling window lets this username and address try again.",
        "schema": {
          "type": "integer",
          "minimum": 1
        }
      },
      "Cache-Control": {
        "required": true,
        "description": "Token responses are never cached.",
        "schema": {
          "const": "no-store"
        }
      },
      "X-Auth-Subject": {
        "required": true,
        "description": "The token's `sub`: the user's id.",
        "schema": {
          "type": "string"
        }
      },
      "X-Auth-Roles": {
        "required": true,
        "description": "The token's `roles`, separated by commas (empty for none).",
        "schema": {
          "type": "string"
        }
      },
      "X-Auth-Session": {
        "required": true,
        "description": "The token's `sid`.",
        "schema": {
          "type": "string"
        }
      },
      "Retry-After-Busy": {
        "required": false,
        "description": "`1` when the bcrypt queue is full (more than BCRYPT_QUEUE password checks wait); absent when a store is unreachable.",
        "schema": {
          "type": "integer",
          "minimum": 1
        }
      }
    }
  }
}
"""##
}
