using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// The payment group's hand-written reads (<see cref="PaymentGroup"/>) see an order as EF reads it (times as UTC,
/// money, flags, version), its lines in course order, the courses its learner already owns and the orders already
/// holding a trade number; on SQLite here, on PostgreSQL in <see cref="PostgresPaymentGroupReadTests"/>.
/// </summary>
public sealed class PaymentGroupReadTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    [Fact]
    public Task A_group_reads_what_ef_reads() => PaymentGroupReadScenario.RunAsync(app);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresPaymentGroupReadTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_group_reads_what_ef_reads_on_postgres()
    {
        using var app = postgres.NewApp();
        app.CreateClient();
        await PaymentGroupReadScenario.RunAsync(app);
    }
}

internal static class PaymentGroupReadScenario
{
    private static readonly DateTime PaidAt = new(2026, 12, 4, 9, 30, 15, 250, DateTimeKind.Utc);

    public static async Task RunAsync(LuffyAppFactory app)
    {
        var (learner, _) = await app.CreateLearnerAsync("groupread");
        var paid = await app.PlaceOrderAsync(learner, 2);
        var tradeNo = "2026120422001" + Guid.NewGuid().ToString("N")[..12];
        await app.QueryAsync(db => db.Orders.Where(o => o.Id == paid.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, OrderStatus.Paid).SetProperty(o => o.TradeNo, tradeNo).SetProperty(o => o.PayTime, PaidAt)
            .SetProperty(o => o.BuyerId, "2088102146225135").SetProperty(o => o.DuplicatePurchase, true).SetProperty(o => o.Version, 7)));
        // Two lines; the learner already owns one of their courses (through the paid order).
        var unpaid = await app.PlaceOrderAsync(learner, 4, 3);
        await app.QueryAsync(db =>
        {
            db.CourseOwnerships.Add(new CourseOwnership { UserId = learner, CourseId = 3, OrderId = paid.Id, GrantedAt = PaidAt });
            return db.SaveChangesAsync();
        });

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var group = await PaymentGroup.ReadAsync(db,
        [
            new PaymentConfirmation(unpaid.OutTradeNo, tradeNo, unpaid.TotalAmount, PaidAt, null),
            new PaymentConfirmation(paid.OutTradeNo, tradeNo, paid.TotalAmount, PaidAt, null),
            new PaymentConfirmation(unpaid.OutTradeNo, null, unpaid.TotalAmount, PaidAt, null),
            new PaymentConfirmation("no-such-order", "no-such-trade", 1m, PaidAt, null),
        ], CancellationToken.None);

        foreach (var placed in new[] { paid, unpaid })
        {
            var expected = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == placed.Id);
            var read = group.Order(placed.OutTradeNo)!;
            Assert.Equal(Columns(expected), Columns(read));
            Assert.Equal(DateTimeKind.Utc, read.UpdatedAt.Kind);
        }

        Assert.Equal(DateTimeKind.Utc, group.Order(paid.OutTradeNo)!.PayTime!.Value.Kind);
        Assert.Null(group.Order("no-such-order"));
        var unpaidRead = group.Order(unpaid.OutTradeNo)!;
        Assert.Equal([3, 4], group.Lines(unpaidRead).Select(l => l.CourseId));
        Assert.Equal(unpaid.Details.OrderBy(d => d.CourseId).Select(d => d.CourseName), group.Lines(unpaidRead).Select(l => l.CourseName));
        Assert.True(group.Owns(learner, 3));
        Assert.False(group.Owns(learner, 4));
        Assert.Equal(paid.OutTradeNo, group.OtherOrderPaidBy(tradeNo, unpaidRead));
        Assert.Null(group.OtherOrderPaidBy(tradeNo, group.Order(paid.OutTradeNo)!));
    }

    private static object Columns(Order o) =>
        (o.Id, o.OutTradeNo, o.UserId, o.TotalAmount, o.PayType, o.Status, o.TradeNo, o.PayTime, o.BuyerId,
            (o.PaidAfterClose, o.DuplicatePurchase, o.TradeNoConflict), o.Version, o.UpdatedAt);
}
