"""Throwaway PostgreSQL and Redis servers: moved to the SDK (`frontcounter.testing.servers`)."""

from frontcounter.testing.servers import ThrowawayServer, start_postgres, start_redis

__all__ = ["ThrowawayServer", "start_postgres", "start_redis"]
