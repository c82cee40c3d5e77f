using LuffyBlazor.Features.Courses;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Buying survives log-in: a visitor's 立即购买 is a link to the log-in page with <c>purchase={course}</c>; the page
/// says why the visitor is there, and once the log-in (or registration) form is posted and the learner signed in,
/// the purchase goes on by itself: the order is placed and the browser leaves for the cashier. Orders are only ever
/// placed by that antiforgery-checked POST, never by a GET.
/// </summary>
public sealed class PurchaseLogIn(CourseCatalog catalog, OrderService orders, OrderQueries queries, BrowserCheckout checkout)
{
    public const string QueryKey = "purchase";

    /// <summary>Where a visitor's 立即购买 goes: log in, then straight on into buying the course.</summary>
    public static string LogInToBuy(int courseId) => $"Account/Login?returnUrl={CoursePath(courseId)}&{QueryKey}={courseId}";

    /// <summary>Where a visitor's 加入购物车 goes: log in, then back to the course.</summary>
    public static string LogInAndReturn(int courseId) => $"Account/Login?returnUrl={CoursePath(courseId)}";

    private static string CoursePath(int courseId) => Uri.EscapeDataString($"/course/{courseId}");

    /// <summary>The course a log-in page was sent to buy, when it can be bought; null otherwise.</summary>
    public async Task<CourseDetails?> CourseToBuyAsync(int? courseId) =>
        courseId is { } id && await catalog.GetDetailsAsync(id) is { IsOnSale: true } course ? course : null;

    /// <summary>
    /// Right after the learner signed in: places the order and leaves for the cashier (the page's navigation becomes
    /// the response's redirect). False when there is nothing to buy (already owned, off sale) or the order was refused:
    /// the caller then goes on to its return address, the course page, where 立即购买 is one press away.
    /// </summary>
    public async Task<bool> ContinueAsync(string userId, int? courseId, string? userAgent)
    {
        if (await CourseToBuyAsync(courseId) is not { } course || await queries.OwnsCourseAsync(userId, course.Id))
        {
            return false;
        }

        return await checkout.BuyAsync(() => orders.PlaceOrderAsync(userId, [course.Id]), new Buyer(userAgent, null)) is null;
    }
}

public static class RequestUserAgent
{
    /// <summary>The request's user agent (null outside a request, as under bUnit).</summary>
    public static string? UserAgent(this HttpContext? context) => context?.Request.Headers.UserAgent.ToString();
}
