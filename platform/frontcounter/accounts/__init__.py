"""Accounts: members of the public, force staff with roles, platform admins."""
