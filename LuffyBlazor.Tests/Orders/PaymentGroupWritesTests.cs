using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// The payment group's hand-written command (<see cref="PaymentGroupWrites"/>): what it stores reads back through EF
/// exactly as if EF had saved it, and an order changed since it was read fails the whole group, leaving nothing.
/// </summary>
public sealed class PaymentGroupWritesTests(PaymentGroupWritesTests.App app) : IClassFixture<PaymentGroupWritesTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private static readonly DateTime Now = new(2026, 12, 3, 10, 15, 30, 123, DateTimeKind.Utc);
    private static readonly DateTime PaidAt = new(2026, 12, 3, 10, 15, 29, 500, DateTimeKind.Utc);

    [Fact]
    public async Task What_it_writes_reads_back_through_ef_as_ef_would_have_stored_it()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var placed = await app.PlaceOrderAsync(learner, 3, 4);
        var studentsBefore = await StudentsAsync(3, 4);

        await WriteAsync(placed.OutTradeNo, (order, writes) =>
        {
            order.RecordPayment("2026120322001400001", PaidAt, "2088102146225135", duplicatePurchase: false, Now);
            writes.Grant(new CourseOwnership { UserId = learner, CourseId = 3, OrderId = order.Id, GrantedAt = Now });
            writes.Grant(new CourseOwnership { UserId = learner, CourseId = 4, OrderId = order.Id, GrantedAt = Now });
            writes.Record(new OrderStatusChange { OrderId = order.Id, From = OrderStatus.Unpaid, To = OrderStatus.Paid, Actor = "alipay-notify", At = Now });
        });

        var paid = await app.OrderAsync(placed.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, "2026120322001400001", PaidAt, "2088102146225135", placed.Version + 1, Now),
            (paid.Status, paid.TradeNo, paid.PayTime, paid.BuyerId, paid.Version, paid.UpdatedAt));
        Assert.Equal(DateTimeKind.Utc, paid.PayTime!.Value.Kind);
        Assert.False(paid.PaidAfterClose || paid.DuplicatePurchase || paid.TradeNoConflict);
        // Times compare and sort as EF's own: a range query over what was written finds it.
        Assert.True(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.Id == paid.Id && o.PayTime >= PaidAt && o.PayTime < Now)));
        var change = await app.QueryAsync(db => db.OrderStatusChanges.SingleAsync(c => c.OrderId == paid.Id && c.To == OrderStatus.Paid));
        Assert.Equal((OrderStatus.Unpaid, "alipay-notify", (string?)null, Now), (change.From, change.Actor, change.Reason, change.At));
        Assert.Equal([3, 4], await app.QueryAsync(db => db.CourseOwnerships.Where(x => x.OrderId == paid.Id).OrderBy(x => x.CourseId).Select(x => x.CourseId).ToListAsync()));
        Assert.Equal(studentsBefore.Select(n => n + 1), await StudentsAsync(3, 4));
    }

    [Fact]
    public async Task An_order_changed_since_it_was_read_fails_the_group_and_nothing_of_it_is_written()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var other = await app.PlaceOrderAsync(learner, 5);
        var placed = await app.PlaceOrderAsync(learner, 6);

        var failure = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => WriteAsync([other.OutTradeNo, placed.OutTradeNo], async (db, orders, writes) =>
        {
            foreach (var order in orders)
            {
                writes.Changing(order);
                order.RecordPayment("trade-" + order.Id, PaidAt, null, duplicatePurchase: false, Now);
                writes.Record(new OrderStatusChange { OrderId = order.Id, From = OrderStatus.Unpaid, To = OrderStatus.Paid, Actor = "test", At = Now });
            }

            // Someone else changes the second order between the group's read and its write.
            await db.Orders.Where(o => o.Id == placed.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Version, o => o.Version + 1));
        }));

        Assert.Contains("changed since it was read", failure.Message);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(other.OutTradeNo)).Status);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(placed.OutTradeNo)).Status);
        Assert.Equal(0, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => (c.OrderId == other.Id || c.OrderId == placed.Id) && c.To == OrderStatus.Paid)));
    }

    private Task WriteAsync(string outTradeNo, Action<Order, PaymentGroupWrites> change) =>
        WriteAsync([outTradeNo], (_, orders, writes) =>
        {
            writes.Changing(orders[0]);
            change(orders[0], writes);
            return Task.CompletedTask;
        });

    /// <summary>Reads the orders as the payment writer does (untracked), lets <paramref name="change"/> fill the writes, and runs them in one transaction.</summary>
    private async Task WriteAsync(string[] outTradeNos, Func<LuffyDbContext, List<Order>, PaymentGroupWrites, Task> change)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var orders = await db.Orders.AsNoTracking().Where(o => outTradeNos.Contains(o.OutTradeNo)).OrderBy(o => o.Id).ToListAsync();
        var writes = new PaymentGroupWrites();
        await change(db, orders, writes);
        await writes.ExecuteAsync(db, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private Task<List<int>> StudentsAsync(params int[] courseIds) =>
        app.QueryAsync(db => db.Courses.Where(c => courseIds.Contains(c.Id)).OrderBy(c => c.Id).Select(c => c.StudentsCount).ToListAsync());
}
