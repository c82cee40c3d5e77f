using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LuffyBlazor.Data;

/// <summary>
/// SQLite takes one writer at a time. Left to itself, a second writer waits in SQLite's busy handler and in
/// Microsoft.Data.Sqlite's retry loop, both of which sleep on a thread-pool thread (up to 150 ms a turn): under a
/// burst of payments that is seconds of latency and a starved pool. This gate makes writers of this process queue
/// asynchronously instead: a transaction holds it from BEGIN to COMMIT/ROLLBACK (or to its connection's close, when
/// it is disposed uncommitted), and a write outside a transaction holds it for its one statement. Reads never wait
/// (WAL). Other processes are still handled by SQLite's own locking.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>A writer waiting longer than this points at a bug (say, a write waiting on another open transaction).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>True while no writer holds the gate.</summary>
    internal bool IsFree => gate.CurrentCount == 1;
    private readonly ConditionalWeakTable<DbConnection, Holder> holders = new();

    // A finished transaction no longer knows its connection: remember it when the transaction starts.
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> connections = new();

    // Transactions: from BEGIN until the end.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken ct = default)
    {
        await EnterAsync(connection, ct);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(connection);
        return result;
    }

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        connections.AddOrUpdate(result, connection);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken ct = default)
    {
        connections.AddOrUpdate(result, connection);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        Ended(transaction);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Ended(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        Ended(transaction);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Ended(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken ct = default) =>
        Ended(transaction);

    // A transaction disposed without commit or rollback ends when its connection closes.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Exit(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Exit(connection);
        return Task.CompletedTask;
    }

    // Writes outside a transaction (ExecuteUpdate, single-statement SaveChanges): for their statement.
    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
    {
        if (IsAutocommitWrite(command))
        {
            await EnterAsync(command.Connection!, ct);
        }

        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsAutocommitWrite(command))
        {
            Enter(command.Connection!);
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (IsAutocommitWrite(command))
        {
            await EnterAsync(command.Connection!, ct);
        }

        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsAutocommitWrite(command))
        {
            Enter(command.Connection!);
        }

        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ExitStatement(command);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken ct = default)
    {
        ExitStatement(command);
        return ValueTask.FromResult(result);
    }

    // A reader's statement (INSERT ... RETURNING) runs until the reader is done with it.
    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitStatement(command);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        ExitStatement(command);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExitStatement(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken ct = default)
    {
        ExitStatement(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => ExitStatement(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken ct = default)
    {
        ExitStatement(command);
        return Task.CompletedTask;
    }

    private static bool IsAutocommitWrite(DbCommand command)
    {
        if (command.Transaction is not null || command.Connection is null)
        {
            return false;
        }

        var text = command.CommandText.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || text.StartsWith("REPLACE", StringComparison.OrdinalIgnoreCase);
    }

    private void ExitStatement(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            Exit(connection);
        }
    }

    private async Task EnterAsync(DbConnection connection, CancellationToken ct)
    {
        var holder = holders.GetOrCreateValue(connection);
        if (holder.Held)
        {
            return; // this connection already writes (a statement inside its own transaction)
        }

        if (!await gate.WaitAsync(MaxWait, ct))
        {
            throw new TimeoutException($"Waited {MaxWait.TotalSeconds:0} s for the SQLite write gate: a writer is waiting on another open write transaction.");
        }

        holder.Held = true;
    }

    private void Enter(DbConnection connection)
    {
        var holder = holders.GetOrCreateValue(connection);
        if (holder.Held)
        {
            return;
        }

        if (!gate.Wait(MaxWait))
        {
            throw new TimeoutException($"Waited {MaxWait.TotalSeconds:0} s for the SQLite write gate: a writer is waiting on another open write transaction.");
        }

        holder.Held = true;
    }

    private Task Ended(DbTransaction? transaction)
    {
        if (transaction is not null && connections.TryGetValue(transaction, out var connection))
        {
            connections.Remove(transaction);
            Exit(connection);
        }

        return Task.CompletedTask;
    }

    private void Exit(DbConnection connection)
    {
        if (holders.TryGetValue(connection, out var holder) && holder.Held)
        {
            holder.Held = false;
            gate.Release();
        }
    }

    private sealed class Holder
    {
        public bool Held;
    }
}
