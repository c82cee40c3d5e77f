using Npgsql;

namespace LuffyBlazor.Data;

public static class DatabaseErrors
{
    /// <summary>
    /// PostgreSQL gave up one of two racing transactions (serialization failure or deadlock) rather than make it
    /// wait: running it again is correct. SQLite never reports these (its writers queue on the write gate).
    /// </summary>
    public static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }
}
