using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>A learner's Buy as asked: which courses (sorted, distinct) and, from the API, the total the client expects.</summary>
public sealed record OrderRequest(string UserId, IReadOnlyList<int> CourseIds, decimal? ClientTotal, string? Subject, PayType PayType)
{
    /// <summary>Sorted course ids ("3,7,12"): with the total, what makes two Buy clicks the same purchase.</summary>
    public string PurchaseKey { get; } = string.Join(',', CourseIds);
}

/// <summary>
/// Prices and writes new orders in one transaction: the courses, what the learner owns and their live unpaid orders
/// are read inside it (<see cref="PurchaseSnapshot"/>), so prices come from the database as they are when the order
/// is stored; the learner's live unpaid order for the same courses and total is given back, otherwise the order, its
/// lines and its history row are inserted (by hand, <see cref="OrderGroupInserts"/>). SQLite has one writer, so concurrent Buy clicks are group-committed (<see cref="GroupCommitWriter{TItem,TResult}"/>): a sale's worth of inserts share their BEGIN,
/// their COMMIT and the index pages they touch. PostgreSQL takes concurrent writers, so there each order is its own
/// transaction, locking the learner's row against the same learner's other clicks.
/// </summary>
public sealed class OrderWriter(
    IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock, IOptions<OrderOptions> options,
    IOptions<DatabaseOptions> database, ILogger<OrderWriter> logger) : GroupCommitWriter<OrderRequest, PlaceOrderResult>(MaxGroup, logger)
{
    private const int MaxGroup = 64;
    private const int MaxAttempts = 3;

    /// <summary>Not cancelled with the request once queued: the order is written, and a second click gets it back.</summary>
    public async Task<PlaceOrderResult> WriteAsync(OrderRequest request, CancellationToken ct) =>
        database.Value.IsPostgres ? (await WriteGroupAsync([request], ct))[0] : await CommitAsync(request, ct);

    // PostgreSQL may choose this transaction as a deadlock's victim: it is then run again.
    protected override Task<IReadOnlyList<PlaceOrderResult>> WriteGroupAsync(IReadOnlyList<OrderRequest> requests, CancellationToken ct) =>
        DatabaseErrors.RetryConflictsAsync(() => WriteInOneTransactionAsync(requests, ct), MaxAttempts);

    private async Task<IReadOnlyList<PlaceOrderResult>> WriteInOneTransactionAsync(IReadOnlyList<OrderRequest> requests, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (database.Value.IsPostgres)
        {
            // A no-op update holds each learner's row until commit, so the same learner's other clicks wait here.
            foreach (var userId in requests.Select(r => r.UserId).Distinct().Order(StringComparer.Ordinal))
            {
                await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ConcurrencyStamp, u => u.ConcurrencyStamp), ct);
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var snapshot = await PurchaseSnapshot.ReadAsync(db, requests, now + Checkout.MinimumTimeToReuse, ct);
        var written = new Dictionary<(string UserId, string PurchaseKey, decimal Total, PayType PayType), Order>();
        var results = new List<PlaceOrderResult>(requests.Count);
        var inserts = new OrderGroupInserts();
        foreach (var request in requests)
        {
            var priced = snapshot.Price(request);
            if (priced.Refusal is { } refusal)
            {
                results.Add(PlaceOrderResult.Fail(refusal));
                continue;
            }

            var key = (request.UserId, request.PurchaseKey, priced.Total, request.PayType);
            var live = written.GetValueOrDefault(key) ?? snapshot.LiveOrder(request.UserId, request.PurchaseKey, priced.Total, request.PayType);
            if (live is not null)
            {
                results.Add(new PlaceOrderResult(live, null, Reused: true));
                continue;
            }

            var order = NewOrder(request, priced, now);
            inserts.Add(order, new OrderStatusChange { From = null, To = OrderStatus.Unpaid, Actor = "learner", At = now });
            written[key] = order;
            results.Add(new PlaceOrderResult(order, null, Reused: false));
        }

        await inserts.ExecuteAsync(db, clock.GetUtcNow().UtcDateTime, ct);
        await transaction.CommitAsync(ct);
        foreach (var placed in results.Where(r => r.Succeeded && !r.Reused))
        {
            Logger.LogInformation("Order {OutTradeNo} placed: {Count} course(s), {Total} yuan",
                placed.Order!.OutTradeNo, placed.Order.Details.Count, placed.Order.TotalAmount);
        }

        return results;
    }

    private Order NewOrder(OrderRequest request, PricedOrder priced, DateTime now) => Order.Place(
        OrderNumbers.New(clock), request.UserId,
        string.IsNullOrWhiteSpace(request.Subject)
            ? TextElements.Fit(DefaultSubject(priced.Lines.Select(l => l.Name).ToList()), Order.MaxSubjectLength)
            : request.Subject,
        request.PayType, request.PurchaseKey, now, options.Value.PaymentTimeout,
        priced.Lines.Select(c => OrderDetail.For(c.Id, c.Name, c.Price)));

    /// <summary>"路飞学城-Python 全栈开发" or "路飞学城-Python 全栈开发等3门课程".</summary>
    public static string DefaultSubject(IReadOnlyList<string> courseNames) =>
        courseNames.Count == 1 ? $"路飞学城-{courseNames[0]}" : $"路飞学城-{courseNames[0]}等{courseNames.Count}门课程";
}
