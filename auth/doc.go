// Package auth is Django's django.contrib.auth without views: password hashers that read and write
// Django's encoded passwords, users in Django's auth_user table, authentication, the session auth
// hash and Django's password validators. It takes a context.Context and imports no web framework,
// so any Fiber major (or none) can use it; the views wire it in.
//
// # Passwords
//
// MakePassword and CheckPassword work as Django's make_password and check_password, on strings such
// as "pbkdf2_sha256$1200000$<salt>$<hash>". A Hashing holds the list of hashers, the first
// preferred for new passwords (DefaultHashers: pbkdf2_sha256 at Django 6.0's 1,200,000 iterations,
// pbkdf2_sha1 to verify only, argon2id, bcrypt_sha256 and bcrypt, at Django's defaults). A password
// that matches but was made by another hasher, with other parameters or a short salt comes back with
// mustUpdate, as Django's must_update; Backend.Authenticate then stores it again with the preferred
// hasher. Comparisons are in constant time. Unusable passwords ("!" and 40 random characters) match
// nothing. A password Django made verifies here and one made here verifies in Django, which the
// tests check against Django itself.
//
// # The hashing pool
//
// Every hash runs in a Pool, at most DefaultPoolSize() (NumCPU-1, at least 1) at once, so a burst
// of logins leaves a core to the pages and, with argon2's 100 MiB a hash, bounds memory too. A hash
// that waits more than the pool's wait limit (DefaultPoolWait, 2 s) fails with ErrBusy: a view
// should answer 503 Service Unavailable with a Retry-After header.
//
// # Users and authentication
//
// User is a row of Django's auth_user; UserStore is what a backend needs from a user table, and
// SQLiteUsers implements it on an SQLite file: a table made by Django's migrate is used as it is, a
// missing one is created with the same DDL (UserTableDDL), times are stored as Django stores them
// (UTC text, FormatTime). Usernames are unique ignoring case (ErrUsernameTaken).
//
// Backend.Authenticate is Django's ModelBackend: an unknown username runs the preferred hasher once
// (a dummy hash) so that it costs what a wrong password costs and timing does not reveal which
// usernames exist; an inactive user is refused after the password check; all three failures are
// ErrInvalidCredentials. On success it stores last_login.
//
// SecretKeys.SessionAuthHash is Django's get_session_auth_hash (SaltedHMAC, HMAC-SHA256), and
// VerifySessionAuthHash accepts hashes made under the fallback keys (SECRET_KEY_FALLBACKS).
//
// # Password validators
//
// ValidatePassword runs Django's four default validators (UserAttributeSimilarity, MinimumLength,
// CommonPassword, NumericPassword) with Django's English messages and codes, returning all failures
// as ValidationErrors.
//
// CommonPassword's list, common-passwords.txt.gz, is the file Django ships in
// django/contrib/auth/ (copied from Debian's python3-django 3.2 package): 20,000 common passwords,
// lowercased and deduplicated, made by Royce Williams as Django's password_validation.py notes. It
// is part of Django, under Django's BSD-3-Clause licence (Copyright (c) Django Software Foundation
// and individual contributors).
//
// # Differences from Django
//
// Case is folded with Go's Unicode rules (Python's differ for a few letters such as "İ");
// NumericPassword counts decimal digits only (Python's isdigit also takes superscripts); argon2
// passwords of argon2d or of version 16 (no "v=" part) do not verify; SQLiteUsers compares usernames
// ignoring ASCII case only, as Django's iexact does on SQLite; Backend.CreateUser stores an unusable
// password for an empty one (Django's create_user does so for None).
package auth
