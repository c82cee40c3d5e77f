using Npgsql;

namespace LuffyBlazor.Data;

public static class DatabaseErrors
{
    /// <summary>
    /// PostgreSQL gave up one of two racing transactions (serialization failure or deadlock) rather than make it
    /// wait: running it again is correct. SQLite never reports these: its transactions begin IMMEDIATE (Microsoft.Data.Sqlite's default), so writers queue on its lock.
    /// </summary>
    public static bool IsConflict(Exception exception) =>
        HasPostgresError(exception, PostgresErrorCodes.SerializationFailure, PostgresErrorCodes.DeadlockDetected);

    /// <summary>
    /// A racing transaction committed the row this one inserts (PostgreSQL; SQLite's writers never race). Run again,
    /// the transaction sees that row and can decide what to do about it.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception) => HasPostgresError(exception, PostgresErrorCodes.UniqueViolation);

    /// <summary>Runs <paramref name="transaction"/> again, up to <paramref name="maxAttempts"/> times in all, while it fails with a conflict.</summary>
    public static async Task<T> RetryConflictsAsync<T>(Func<Task<T>> transaction, int maxAttempts, Func<Exception, bool>? alsoRetry = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await transaction();
            }
            catch (Exception ex) when (attempt < maxAttempts && (IsConflict(ex) || alsoRetry?.Invoke(ex) == true))
            {
                // Nothing was committed: run it again from the start.
            }
        }
    }

    private static bool HasPostgresError(Exception exception, params string[] sqlStates)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres && sqlStates.Contains(postgres.SqlState))
            {
                return true;
            }
        }

        return false;
    }
}
