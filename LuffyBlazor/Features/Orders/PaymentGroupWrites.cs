using System.Data.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// What a group of payments changes, written by hand inside the group's transaction (as a <see cref="StatementBatch"/>:
/// one command on PostgreSQL, prepared statements run again per row on SQLite): each changed order's update as a
/// compare-and-set on the version it was read with, the ownership rows, the history rows and the notifies' log rows
/// that came with the payments, then each granted
/// course's student count in id order (after the orders, so that two
/// payments sharing courses lock them in the same order on PostgreSQL). It replaces EF's <c>SaveChanges</c> here
/// because the change tracker and its command ordering were most of a first payment's own transaction (bench/README,
/// "Payment write path"); the SQL is plain enough for both SQLite and PostgreSQL. Its values are ints, booleans, text
/// and UTC times, which both providers' ADO.NET drivers bind exactly as EF stores them (no money is written here).
/// </summary>
internal sealed class PaymentGroupWrites
{
    private readonly Dictionary<int, (Order Order, int ReadVersion)> orders = [];
    private readonly List<CourseOwnership> ownerships = [];
    private readonly List<OrderStatusChange> history = [];
    private readonly List<NotifyLog> notifyLogs = [];
    private readonly SortedDictionary<int, int> newLearners = [];

    /// <summary>Call before the order's first change in this group: its update compares the version read.</summary>
    public void Changing(Order order) => orders.TryAdd(order.Id, (order, order.Version));

    public void Grant(CourseOwnership ownership)
    {
        ownerships.Add(ownership);
        newLearners[ownership.CourseId] = newLearners.GetValueOrDefault(ownership.CourseId) + 1;
    }

    public void Record(OrderStatusChange change) => history.Add(change);

    /// <summary>A notify's log row, written with the group (<see cref="NotifyLogOnPayment"/>).</summary>
    public void Log(NotifyLog row) => notifyLogs.Add(row);

    /// <summary>
    /// Runs the writes in the context's open transaction. An order changed since it was read fails the whole group
    /// with <see cref="DbUpdateConcurrencyException"/> (it is then read and applied again); a database error is
    /// reported as a <see cref="DbUpdateException"/>, as <c>SaveChanges</c> would.
    /// </summary>
    public async Task ExecuteAsync(LuffyDbContext db, CancellationToken ct)
    {
        var batch = new StatementBatch();
        foreach (var (order, readVersion) in orders.Values)
        {
            batch.Add(bind => $"""
                UPDATE "Orders" SET "Status" = {bind((int)order.Status)}, "PayType" = {bind((int)order.PayType)}, "TradeNo" = {bind(order.TradeNo)}, "PayTime" = {bind(order.PayTime)},
                "BuyerId" = {bind(order.BuyerId)}, "PaidAfterClose" = {bind(order.PaidAfterClose)}, "DuplicatePurchase" = {bind(order.DuplicatePurchase)},
                "TradeNoConflict" = {bind(order.TradeNoConflict)}, "Version" = {bind(order.Version)}, "UpdatedAt" = {bind(order.UpdatedAt)}
                WHERE "Id" = {bind(order.Id)} AND "Version" = {bind(readVersion)}
                """);
        }

        batch.AddInsert("INSERT INTO \"CourseOwnerships\" (\"UserId\", \"CourseId\", \"OrderId\", \"GrantedAt\") VALUES", ownerships,
            (bind, o) => $"({bind(o.UserId)}, {bind(o.CourseId)}, {bind(o.OrderId)}, {bind(o.GrantedAt)})");
        OrderHistoryRows.AddInsert(batch, history);
        NotifyLogWriter.AddInsert(batch, notifyLogs);
        foreach (var (courseId, learners) in newLearners)
        {
            batch.Add(bind => $"UPDATE \"Courses\" SET \"StudentsCount\" = \"StudentsCount\" + {bind(learners)} WHERE \"Id\" = {bind(courseId)}");
        }

        int affected;
        try
        {
            affected = await batch.ExecuteAsync(db, "A payment group", ct);
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"The payment group's writes failed: {ex.Message}", ex);
        }

        // Every statement changes exactly one row per order, ownership, history row, log row and course: fewer means an
        // order's version moved since it was read (no other statement here can match nothing).
        if (affected != orders.Count + ownerships.Count + history.Count + notifyLogs.Count + newLearners.Count)
        {
            throw new DbUpdateConcurrencyException("An order of the payment group was changed since it was read.");
        }
    }
}
