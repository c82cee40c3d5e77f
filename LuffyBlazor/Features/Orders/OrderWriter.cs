using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>A priced, validated order waiting to be written.</summary>
public sealed record OrderDraft(string UserId, IReadOnlyList<(int Id, string Name, decimal Price)> Lines, decimal Total, string Subject, PayType PayType)
{
    /// <summary>Sorted course ids ("3,7,12"): with the total, what makes two Buy clicks the same purchase.</summary>
    public string PurchaseKey { get; } = string.Join(',', Lines.Select(c => c.Id));
}

/// <summary>
/// Writes new orders. Inside the write transaction each course is checked again (still on sale, at the price the
/// order was priced at, not owned by the learner: <see cref="PurchaseCheck"/>); then the learner's live unpaid order
/// for the same courses is given back, otherwise the order, its lines and its history row are inserted. SQLite has one writer, so concurrent Buy clicks are
/// group-committed (<see cref="GroupCommitWriter{TItem,TResult}"/>): a sale's worth of inserts share their BEGIN,
/// their COMMIT and the index pages they touch. PostgreSQL takes concurrent writers, so there each order is its own
/// transaction, locking the learner's row against the same learner's other clicks.
/// </summary>
public sealed class OrderWriter(
    IDbContextFactory<LuffyDbContext> dbFactory, CompiledOrderQueries queries, TimeProvider clock, IOptions<OrderOptions> options,
    IOptions<DatabaseOptions> database, ILogger<OrderWriter> logger) : GroupCommitWriter<OrderDraft, PlaceOrderResult>(MaxGroup, logger)
{
    private const int MaxGroup = 64;
    private const int MaxAttempts = 3;

    /// <summary>Not cancelled with the request once queued: the order is written, and a second click gets it back.</summary>
    public async Task<PlaceOrderResult> WriteAsync(OrderDraft draft, CancellationToken ct) =>
        database.Value.IsPostgres ? (await WriteGroupAsync([draft], ct))[0] : await CommitAsync(draft, ct);

    // PostgreSQL may choose this transaction as a deadlock's victim: it is then run again.
    protected override Task<IReadOnlyList<PlaceOrderResult>> WriteGroupAsync(IReadOnlyList<OrderDraft> drafts, CancellationToken ct) =>
        DatabaseErrors.RetryConflictsAsync(() => WriteInOneTransactionAsync(drafts, ct), MaxAttempts);

    private async Task<IReadOnlyList<PlaceOrderResult>> WriteInOneTransactionAsync(IReadOnlyList<OrderDraft> drafts, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (database.Value.IsPostgres)
        {
            // A no-op update holds each learner's row until commit, so the same learner's other clicks wait here.
            foreach (var userId in drafts.Select(d => d.UserId).Distinct().Order(StringComparer.Ordinal))
            {
                await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ConcurrencyStamp, u => u.ConcurrencyStamp), ct);
            }
        }

        var check = await PurchaseCheck.ReadAsync(db, drafts, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var written = new Dictionary<(string UserId, string PurchaseKey, decimal Total), Order>();
        var results = new List<PlaceOrderResult>(drafts.Count);
        foreach (var draft in drafts)
        {
            if (check.RefusalFor(draft) is { } refusal)
            {
                results.Add(PlaceOrderResult.Fail(refusal));
                continue;
            }

            var key = (draft.UserId, draft.PurchaseKey, draft.Total);
            var live = written.GetValueOrDefault(key)
                ?? await queries.LiveOrder(db, draft.UserId, draft.PurchaseKey, now + Checkout.MinimumTimeToReuse, draft.Total, ct);
            if (live is not null)
            {
                results.Add(new PlaceOrderResult(live, null, Reused: true));
                continue;
            }

            var order = NewOrder(draft, now);
            db.Orders.Add(order);
            db.OrderStatusChanges.Add(new OrderStatusChange { Order = order, From = null, To = OrderStatus.Unpaid, Actor = "learner", At = now });
            written[key] = order;
            results.Add(new PlaceOrderResult(order, null, Reused: false));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var placed in results.Where(r => r.Succeeded && !r.Reused))
        {
            Logger.LogInformation("Order {OutTradeNo} placed: {Count} course(s), {Total} yuan",
                placed.Order!.OutTradeNo, placed.Order.Details.Count, placed.Order.TotalAmount);
        }

        return results;
    }

    private Order NewOrder(OrderDraft draft, DateTime now) => new()
    {
        OutTradeNo = OrderNumbers.New(clock),
        UserId = draft.UserId,
        Subject = draft.Subject,
        TotalAmount = draft.Total,
        PayType = draft.PayType,
        Status = OrderStatus.Unpaid,
        PurchaseKey = draft.PurchaseKey,
        CreatedAt = now, // the same instant as the deadline, so the order lives exactly PaymentTimeout
        ExpiresAt = now + options.Value.PaymentTimeout,
        Details = draft.Lines.Select(c => new OrderDetail { CourseId = c.Id, CourseName = c.Name, Price = c.Price, RealPrice = c.Price }).ToList(),
    };
}
