using System.Data.Common;
using LuffyBlazor.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LuffyBlazor.Data;

/// <summary>
/// For the few hand-written commands on hot write paths (the order group's inserts, the payment group's writes, the
/// notify log's rows): adds a parameter with a value and gives back its placeholder, so the SQL text never carries a
/// value. The same <c>@pN</c> names work on SQLite and PostgreSQL (Npgsql's ADO.NET layer accepts named parameters).
/// </summary>
internal delegate string CommandParameters(object? value);

internal static class CommandParametersExtensions
{
    /// <summary>
    /// A binder for <paramref name="command"/>: null goes in as <see cref="DBNull"/>, and values as the model's
    /// conventions (<see cref="ModelConventions"/>) store them: money (<see cref="decimal"/>) as integer fen, times as UTC.
    /// </summary>
    public static CommandParameters ParametersFor(this DbCommand command) => value =>
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + command.Parameters.Count;
        parameter.Value = ToStored(value);
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    };

    /// <summary>A value as the model's conventions store it: null as <see cref="DBNull"/>, money in fen, times as UTC.</summary>
    public static object ToStored(object? value) => value switch
    {
        null => DBNull.Value,
        decimal yuan => Money.ToFen(yuan),
        DateTime { Kind: not DateTimeKind.Utc } time => time.ToUniversalTime(),
        _ => value,
    };

    /// <summary>
    /// The first row of a one-parameter query mapped by <paramref name="map"/>, or null when there is none, for the
    /// hand-written point reads on hot paths. The connection is opened and closed through EF, so a pooled context goes
    /// back to the pool as EF expects it.
    /// </summary>
    public static async Task<T?> FirstRowAsync<T>(this LuffyDbContext db, string sql, object? value, Func<DbDataReader, T> map, CancellationToken ct)
        where T : class
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.ParametersFor()(value);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? map(reader) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A command on the context's connection, in its open transaction (the group's).</summary>
    public static DbCommand CommandInTransaction(this LuffyDbContext db, string writing)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException($"{writing} is written inside its transaction.");
        return command;
    }
}
