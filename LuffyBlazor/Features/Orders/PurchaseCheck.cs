using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>Why an order cannot be placed, in the words the learner (and the API's <c>msg</c>) sees.</summary>
public static class PurchaseRefusals
{
    public static string Unknown(IEnumerable<int> courseIds) => $"课程不存在：{string.Join(", ", courseIds)}";

    public static string OffSale(string courseName) => $"课程《{courseName}》已下架，无法购买";

    public static string PriceChanged(string courseName) => $"课程《{courseName}》的价格已变更，请刷新后重试";

    public static string Owned(string courseName) => $"您已购买《{courseName}》，无需重复购买";
}

/// <summary>
/// The courses of a group of priced orders as they are inside the write transaction that places them: the pricing
/// read came before it, and in between a course may have been taken off sale, repriced, or bought by the learner
/// through another order. Read once for the whole group.
/// </summary>
internal sealed class PurchaseCheck
{
    private readonly Dictionary<int, (decimal Price, bool IsOnSale)> courses;
    private readonly HashSet<(string UserId, int CourseId)> owned;

    private PurchaseCheck(Dictionary<int, (decimal, bool)> courses, HashSet<(string, int)> owned)
    {
        this.courses = courses;
        this.owned = owned;
    }

    public static async Task<PurchaseCheck> ReadAsync(LuffyDbContext db, IReadOnlyList<OrderDraft> drafts, CancellationToken ct)
    {
        var courseIds = drafts.SelectMany(d => d.Lines).Select(l => l.Id).Distinct().ToList();
        var userIds = drafts.Select(d => d.UserId).Distinct().ToList();
        var courses = await db.Courses.AsNoTracking().Where(c => courseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Price, c.IsOnSale }).ToListAsync(ct);
        var owned = await db.CourseOwnerships.AsNoTracking().Where(x => userIds.Contains(x.UserId) && courseIds.Contains(x.CourseId))
            .Select(x => new { x.UserId, x.CourseId }).ToListAsync(ct);
        return new(courses.ToDictionary(c => c.Id, c => (c.Price, c.IsOnSale)), owned.Select(x => (x.UserId, x.CourseId)).ToHashSet());
    }

    /// <summary>Null when the draft can be placed as it was priced, otherwise why not.</summary>
    public string? RefusalFor(OrderDraft draft)
    {
        var missing = draft.Lines.Where(l => !courses.ContainsKey(l.Id)).Select(l => l.Id).ToList();
        if (missing.Count > 0)
        {
            return PurchaseRefusals.Unknown(missing);
        }

        if (draft.Lines.FirstOrDefault(l => !courses[l.Id].IsOnSale) is { Name: { } offSale })
        {
            return PurchaseRefusals.OffSale(offSale);
        }

        if (draft.Lines.FirstOrDefault(l => courses[l.Id].Price != l.Price) is { Name: { } repriced })
        {
            return PurchaseRefusals.PriceChanged(repriced);
        }

        return draft.Lines.FirstOrDefault(l => owned.Contains((draft.UserId, l.Id))) is { Name: { } bought }
            ? PurchaseRefusals.Owned(bought)
            : null;
    }
}
