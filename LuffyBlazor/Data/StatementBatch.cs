using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Data;

/// <summary>
/// The hand-written statements of a group's transaction (the payment group's writes, the notify log's rows), sent the
/// way each database takes them best. On PostgreSQL they go as one command, the rows of an insert as one multi-row
/// INSERT: one round trip. On SQLite, in process, each statement is its own command with only its own parameters, and
/// a statement whose text repeats (one order's update, one row's insert) is prepared once and run again with the next
/// values.
/// </summary>
/// <remarks>
/// Why not one command on SQLite too: Microsoft.Data.Sqlite binds every parameter of a command to every statement of
/// its text, by name (one <c>sqlite3_bind_parameter_index</c> per parameter and statement, each a scan of the
/// statement's names), so a command of S statements and P parameters costs S × P look-ups and a multi-row INSERT P²
/// name comparisons. A payment group of 17 orders spent 4.6 ms of the single writer's CPU there, about 270 µs a
/// payment that no other request could overlap (bench/README, "First payments waited, not worked").
/// </remarks>
internal sealed class StatementBatch
{
    private readonly List<Statement> statements = [];

    /// <summary>One statement; <paramref name="sql"/> names its values through the binder it is given.</summary>
    public void Add(Func<CommandParameters, string> sql) => statements.Add(new Statement(sql, null, null));

    /// <summary>
    /// An INSERT of <paramref name="rows"/> (none: nothing): <paramref name="head"/> is
    /// <c>INSERT INTO "Table" ("A", "B") VALUES</c>, <paramref name="row"/> one row's parenthesised values.
    /// </summary>
    public void AddInsert<T>(string head, IReadOnlyCollection<T> rows, Func<CommandParameters, T, string> row)
    {
        if (rows.Count > 0)
        {
            statements.Add(new Statement(null, head, rows.Select(r => (Func<CommandParameters, string>)(bind => row(bind, r))).ToList()));
        }
    }

    /// <summary>Runs the statements in order in the context's open transaction; returns the rows they changed in all.</summary>
    public async Task<int> ExecuteAsync(LuffyDbContext db, string writing, CancellationToken ct)
    {
        if (statements.Count == 0)
        {
            return 0;
        }

        return db.Database.IsSqlite() ? await OneByOneAsync(db, writing, ct) : await AsOneCommandAsync(db, writing, ct);
    }

    private async Task<int> AsOneCommandAsync(LuffyDbContext db, string writing, CancellationToken ct)
    {
        await using var command = db.CommandInTransaction(writing);
        var bind = command.ParametersFor();
        var sql = new StringBuilder();
        foreach (var statement in statements)
        {
            if (statement.Rows is { } rows)
            {
                sql.Append(statement.InsertHead).Append(' ').AppendJoin(", ", rows.Select(r => r(bind))).Append(";\n");
            }
            else
            {
                sql.Append(statement.Sql!(bind)).Append(";\n");
            }
        }

        command.CommandText = sql.ToString();
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<int> OneByOneAsync(LuffyDbContext db, string writing, CancellationToken ct)
    {
        var prepared = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            var changed = 0;
            var values = new List<object?>();
            CommandParameters bind = value =>
            {
                values.Add(value);
                return "@p" + (values.Count - 1);
            };
            foreach (var (sql, head, rows) in statements)
            {
                foreach (var text in rows ?? [sql!])
                {
                    values.Clear();
                    var commandText = head is null ? text(bind) : head + " " + text(bind);
                    changed += await RunAsync(db, writing, prepared, commandText, values, ct);
                }
            }

            return changed;
        }
        finally
        {
            foreach (var command in prepared.Values)
            {
                await command.DisposeAsync();
            }
        }
    }

    private static Task<int> RunAsync(
        LuffyDbContext db, string writing, Dictionary<string, DbCommand> prepared, string sql, List<object?> values, CancellationToken ct) =>
        Prepared(db, writing, prepared, sql, values).ExecuteNonQueryAsync(ct);

    /// <summary>
    /// The command of <paramref name="sql"/> from <paramref name="prepared"/> (made, with its parameters, on first use
    /// and kept there for the caller to dispose), its parameters set to <paramref name="values"/> as the model stores
    /// them: a statement whose text repeats is prepared once and run again with the next row's values.
    /// </summary>
    internal static DbCommand Prepared(
        LuffyDbContext db, string writing, Dictionary<string, DbCommand> prepared, string sql, IReadOnlyList<object?> values)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            command = db.CommandInTransaction(writing);
            command.CommandText = sql;
            var bind = command.ParametersFor();
            foreach (var value in values)
            {
                bind(value);
            }

            prepared.Add(sql, command);
        }
        else
        {
            for (var i = 0; i < values.Count; i++)
            {
                command.Parameters[i].Value = CommandParametersExtensions.ToStored(values[i]);
            }
        }

        return command;
    }

    private sealed record Statement(Func<CommandParameters, string>? Sql, string? InsertHead, List<Func<CommandParameters, string>>? Rows);
}
