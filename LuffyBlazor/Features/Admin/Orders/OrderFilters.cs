using System.Linq.Expressions;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// One filter as the two queries the grid runs on it. <see cref="ForTotals"/> is counted and summed whole;
/// <see cref="ForPaging"/> is sorted and read a page at a time. They are the same query except for a course search,
/// whose orders SQLite's planner should find in two different ways (see <see cref="OrderFilters"/>).
/// </summary>
public sealed record FilteredOrders(IQueryable<Order> ForTotals, IQueryable<Order> ForPaging);

/// <summary>
/// Turns an <see cref="OrderGridFilter"/> into SQL conditions that indexes can serve. Users and courses are looked
/// up first (small tables) and the orders then filtered by their ids, never by a LIKE over every order.
/// </summary>
public static class OrderFilters
{
    /// <summary>At most this many users or courses take part in one filter.</summary>
    private const int MaxMatches = 200;

    public static async Task<FilteredOrders> ApplyAsync(LuffyDbContext db, OrderGridFilter filter, CancellationToken ct)
    {
        var orders = db.Orders.AsNoTracking();
        if (filter.Status is { } status)
        {
            orders = orders.Where(o => o.Status == status);
        }

        if (filter.PayType is { } payType)
        {
            orders = orders.Where(o => o.PayType == payType);
        }

        if (filter.FromUtc is { } from)
        {
            orders = orders.Where(o => o.CreatedAt >= from);
        }

        if (filter.ToUtcExclusive is { } to)
        {
            orders = orders.Where(o => o.CreatedAt < to);
        }

        if (filter.PaidAfterCloseOnly)
        {
            orders = orders.Where(o => o.PaidAfterClose);
        }

        if (filter.DuplicatePurchaseOnly)
        {
            orders = orders.Where(o => o.DuplicatePurchase);
        }

        if (filter.TradeNoConflictOnly)
        {
            orders = orders.Where(o => o.TradeNoConflict);
        }

        var forPaging = orders;
        if (!string.IsNullOrWhiteSpace(filter.User))
        {
            (orders, forPaging) = await ByUserAsync(db, orders, filter.User.Trim(), ct);
        }

        return string.IsNullOrWhiteSpace(filter.Search)
            ? new FilteredOrders(orders, forPaging)
            : await SearchAsync(db, orders, forPaging, filter.Search.Trim(), ct);
    }

    /// <summary>
    /// The orders of the users whose name or e-mail contains the text, or whose id it is. A few users (the usual
    /// case: part of a name) are looked up first and their orders found through the (UserId, CreatedAt) index. A
    /// text that matches more than <see cref="MaxMatches"/> users ("demo") still shows all their orders, none left
    /// out: the users become a subquery, and a page walks the sort's index testing each order against it
    /// (<c>UserId || ''</c>, which no index serves) instead of reading every matched order to keep 20.
    /// </summary>
    private static async Task<(IQueryable<Order> ForTotals, IQueryable<Order> ForPaging)> ByUserAsync(
        LuffyDbContext db, IQueryable<Order> orders, string user, CancellationToken ct)
    {
        var matching = UsersMatching(db, user);
        var userIds = await matching.Take(MaxMatches + 1).ToListAsync(ct);
        if (userIds.Count <= MaxMatches)
        {
            var few = orders.Where(o => userIds.Contains(o.UserId));
            return (few, few);
        }

        return (orders.Where(o => matching.Contains(o.UserId)), orders.Where(o => matching.Contains(o.UserId + "")));
    }

    /// <summary>
    /// The ids of the users whose name or e-mail contains the text (Identity's normalized, upper-case columns, so
    /// case does not matter), or whose id it is. A subquery, not a list: "demo" may match thousands of learners, and
    /// all their orders must be shown, none silently left out.
    /// </summary>
    private static IQueryable<string> UsersMatching(LuffyDbContext db, string user)
    {
        var term = user.ToUpperInvariant();
        return db.Users.Where(u => u.Id == user || u.NormalizedUserName!.Contains(term) || u.NormalizedEmail!.Contains(term)).Select(u => u.Id);
    }

    /// <summary>
    /// An order number or Alipay trade number by its start (a range on the unique / trade_no indexes), or a course
    /// by part of its name (resolved to course ids, then matched through the order lines' course index).
    /// </summary>
    /// <remarks>
    /// A course name can match a large share of all orders ("Python": a third). Totals must read every one of them:
    /// "id IN (those lines' order ids)" lets SQLite fetch exactly those rows by id. A page needs only its 20: there
    /// the same test is written <c>Id + 0 IN (...)</c>, which no index can serve, so SQLite walks the sort's index
    /// instead and stops after a page, testing each order against the (in-memory) set of matched ids. Driven by the
    /// ids, a page meant reading and sorting all the matched rows first: most of the search's time.
    /// </remarks>
    private static async Task<FilteredOrders> SearchAsync(
        LuffyDbContext db, IQueryable<Order> orders, IQueryable<Order> forPaging, string term, CancellationToken ct)
    {
        var lowered = term.ToLowerInvariant();
        var courseIds = await db.Courses.AsNoTracking().Where(c => c.Name.ToLower().Contains(lowered))
            .Select(c => c.Id).Take(MaxMatches).ToListAsync(ct);
        // "id IN (order ids of those courses' lines)": SQLite reads the lines through their course index once,
        // where EXISTS would probe the lines of every order.
        var withCourse = db.OrderDetails.Where(d => courseIds.Contains(d.CourseId)).Select(d => d.OrderId);
        // Order and trade numbers have digits; a word such as "Python" is only a course name.
        if (!OrderNumbers.IsWellFormed(term) || !term.Any(char.IsAsciiDigit))
        {
            return new FilteredOrders(orders.Where(o => withCourse.Contains(o.Id)), forPaging.Where(o => withCourse.Contains(o.Id + 0)));
        }

        // Our out_trade_no values are upper-case; people type them in either case.
        var (numberFrom, numberTo) = PrefixRange(term.ToUpperInvariant());
        var (tradeFrom, tradeTo) = PrefixRange(term);
        Expression<Func<Order, bool>> byNumber = o =>
            (o.OutTradeNo.CompareTo(numberFrom) >= 0 && o.OutTradeNo.CompareTo(numberTo) < 0)
            || (o.TradeNo != null && o.TradeNo.CompareTo(tradeFrom) >= 0 && o.TradeNo.CompareTo(tradeTo) < 0)
            || withCourse.Contains(o.Id);
        return new FilteredOrders(orders.Where(byNumber), forPaging.Where(byNumber));
    }

    /// <summary>
    /// [prefix, prefix with its last character incremented): every string starting with the prefix, as a range an
    /// index can seek (SQLite's LIKE is case-insensitive and so cannot use a binary index).
    /// </summary>
    internal static (string From, string To) PrefixRange(string prefix) => (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
}
