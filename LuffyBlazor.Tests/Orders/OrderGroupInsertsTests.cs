using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The checkout group's hand-written inserts (<see cref="OrderGroupInserts"/>) on SQLite.</summary>
public sealed class OrderGroupInsertsTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    [Fact]
    public Task A_hand_inserted_group_reads_back_through_ef_and_is_stored_byte_for_byte_as_ef_stores_it() =>
        OrderGroupInsertChecks.HandInsertedGroupMatchesEfAsync(app, "quote", timeTicks: 1);
}

/// <summary>The same on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOrderGroupInsertsTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_hand_inserted_group_reads_back_through_ef_and_is_stored_as_ef_stores_it_on_postgres()
    {
        using var app = postgres.NewApp();
        // PostgreSQL keeps times to the microsecond (through EF as well).
        await OrderGroupInsertChecks.HandInsertedGroupMatchesEfAsync(app, "quote_nullable", timeTicks: 10);
    }
}

/// <summary>
/// Three orders (of one, two and three lines) inserted by hand in one group; each has a twin with the same values
/// saved through EF's <c>SaveChanges</c>. The hand-inserted objects get the ids the database gave them, read back
/// through EF field for field, and every stored column (but the keys and the order number) holds exactly what EF
/// stored for the twin, as the database itself quotes it (money in fen, times in EF's text or timestamp form).
/// </summary>
internal static class OrderGroupInsertChecks
{
    // Ticks below the millisecond and a Unix-time fraction: a time format that drops or rounds them shows here.
    private static readonly DateTime Now = new DateTime(2026, 12, 3, 10, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567);

    /// <param name="quote">The database's function that quotes a value as SQL text.</param>
    /// <param name="timeTicks">The database's time precision: objects and read-back compare their times cut to it.</param>
    public static async Task HandInsertedGroupMatchesEfAsync(LuffyAppFactory app, string quote, long timeTicks)
    {
        var (learner, _) = await app.CreateLearnerAsync("handinsert");
        var courses = await app.QueryAsync(db => db.Courses.OrderBy(c => c.Id).Select(c => c.Id).Take(3).ToListAsync());
        Order New(string number, int lines, PayType payType) => Order.Place(
            number, learner, $"路飞学城-手写插入 {lines} 门课程", payType, string.Join(',', courses.Take(lines)), Now, TimeSpan.FromMinutes(30),
            courses.Take(lines).Select((id, i) => OrderDetail.For(id, $"课程 {id}", 1234.56m + i * 0.01m)));
        var marker = Guid.NewGuid().ToString("N")[..20].ToUpperInvariant();
        var twins = Enumerable.Range(1, 3).Select(n => New($"EF{marker}{n}", n, n == 2 ? PayType.WeChat : PayType.Alipay)).ToList();
        var hand = Enumerable.Range(1, 3).Select(n => New($"HI{marker}{n}", n, n == 2 ? PayType.WeChat : PayType.Alipay)).ToList();

        await using (var db = await NewContextAsync(app))
        {
            foreach (var twin in twins)
            {
                db.Orders.Add(twin);
                db.OrderStatusChanges.Add(Placed(twin));
            }

            await db.SaveChangesAsync();
        }

        await using (var db = await NewContextAsync(app))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var inserts = new OrderGroupInserts();
            hand.ForEach(order => inserts.Add(order, Placed(order)));
            // The audit stamp the twins got from the interceptor, so that every column can be compared.
            await inserts.ExecuteAsync(db, twins[0].UpdatedAt, CancellationToken.None);
            await transaction.CommitAsync();
        }

        var stored = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Details)
            .Where(o => o.OutTradeNo.StartsWith("HI" + marker)).OrderBy(o => o.OutTradeNo).ToListAsync());
        object Fields(Order o) => OrderGroupInsertChecks.Fields(o, timeTicks);
        Assert.Equal(hand.Select(Fields), stored.Select(Fields));
        Assert.All(hand, order => Assert.True(order.Id > 0 && order.Details.All(d => d.Id > 0 && d.OrderId == order.Id)));
        Assert.All(stored, order => Assert.Equal(
            [DateTimeKind.Utc, DateTimeKind.Utc, DateTimeKind.Utc], new[] { order.CreatedAt.Kind, order.UpdatedAt.Kind, order.ExpiresAt.Kind }));
        Assert.Equal(3, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(
            c => hand.Select(o => o.Id).Contains(c.OrderId) && c.From == null && c.To == OrderStatus.Unpaid && c.Actor == "learner")));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(await RawRowsAsync(app, quote, "Orders", "Id", twins[i].Id), await RawRowsAsync(app, quote, "Orders", "Id", hand[i].Id));
            Assert.Equal(await RawRowsAsync(app, quote, "OrderDetails", "OrderId", twins[i].Id), await RawRowsAsync(app, quote, "OrderDetails", "OrderId", hand[i].Id));
            Assert.Equal(await RawRowsAsync(app, quote, "OrderStatusChanges", "OrderId", twins[i].Id), await RawRowsAsync(app, quote, "OrderStatusChanges", "OrderId", hand[i].Id));
        }
    }

    private static OrderStatusChange Placed(Order order) =>
        new() { Order = order, From = null, To = OrderStatus.Unpaid, Actor = "learner", At = Now };

    private static async Task<LuffyDbContext> NewContextAsync(LuffyAppFactory app) =>
        await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();

    private static object Fields(Order o, long timeTicks)
    {
        DateTime Cut(DateTime t) => new(t.Ticks - t.Ticks % timeTicks, t.Kind);
        return (
            (o.Id, o.OutTradeNo, o.UserId, o.Subject, o.TotalAmount, o.PayType, o.Status, o.PurchaseKey, Cut(o.ExpiresAt), o.TradeNo, o.PayTime),
            (o.BuyerId, o.PaidAfterClose, o.DuplicatePurchase, o.TradeNoConflict, o.ClosedAt, o.CloseReason, o.RefundedAmount, o.RefundedAt),
            (o.SweepClaimedUntil, o.Version, Cut(o.CreatedAt), Cut(o.UpdatedAt)),
            string.Join(";", o.Details.OrderBy(d => d.CourseId).Select(d => (d.Id, d.OrderId, d.CourseId, d.CourseName, d.Price, d.RealPrice))));
    }

    /// <summary>
    /// The rows of <paramref name="table"/> where <paramref name="key"/> is <paramref name="id"/>, each column but the
    /// keys and the order number quoted by the database itself, in column-name order.
    /// </summary>
    private static Task<List<string>> RawRowsAsync(LuffyAppFactory app, string quote, string table, string key, int id) => app.QueryAsync(async db =>
    {
        var entity = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
        var columns = entity.GetProperties().Select(p => p.GetColumnName())
            .Where(c => c is not ("Id" or "OrderId" or "OutTradeNo")).Order(StringComparer.Ordinal).ToList();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT {string.Join(" || '|' || ", columns.Select(c => $"'{c}=' || {quote}(\"{c}\")"))} " +
            $"FROM \"{table}\" WHERE \"{key}\" = {id} ORDER BY 1";
        await db.Database.OpenConnectionAsync();
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.NotEmpty(rows);
        return rows;
    });
}
