using LuffyBlazor.Features.Courses;

namespace LuffyBlazor.Features.Orders;

/// <summary>The purchase a log-in (or registration) page was sent to continue: which course, with which provider.</summary>
public sealed record PendingPurchase(CourseDetails Course, PayType PayType)
{
    /// <summary>"登录后继续购买《Go 语言基础》，使用微信支付".</summary>
    public string Describe(string step) => $"{step}后继续购买《{Course.Name}》，使用{PayType.ToChinese()}";

    /// <summary>What the page's links to the other page (log in ↔ register) carry on.</summary>
    public IReadOnlyDictionary<string, object?> Query => new Dictionary<string, object?>
    {
        [PurchaseLogIn.QueryKey] = Course.Id,
        [PurchaseLogIn.PayTypeKey] = ((int)PayType).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// Buying survives log-in: a visitor's 立即购买 is a GET form to the log-in page with <c>purchase={course}</c> and the
/// <c>pay_type</c> the visitor picked; the page says why the visitor is there, and once the log-in (or registration)
/// form is posted and the learner signed in, the purchase goes on by itself with that provider: the order is placed
/// and the browser leaves to pay. Orders are only ever placed by that antiforgery-checked POST, never by a GET.
/// </summary>
public sealed class PurchaseLogIn(CourseCatalog catalog, OrderService orders, OrderQueries queries, BrowserCheckout checkout)
{
    public const string QueryKey = "purchase";

    /// <summary>The picker's field name, carried in the query string from the course page to the log-in POST.</summary>
    public const string PayTypeKey = "pay_type";

    /// <summary>Where a visitor's 立即购买 form goes (GET, with returnUrl, purchase and pay_type).</summary>
    public const string LogInPath = "Account/Login";

    /// <summary>The course page the log-in page returns to (the form's returnUrl field).</summary>
    public static string CoursePage(int courseId) => $"/course/{courseId}";

    /// <summary>Where a visitor's 加入购物车 goes: log in, then back to the course.</summary>
    public static string LogInAndReturn(int courseId) => $"Account/Login?returnUrl={CoursePath(courseId)}";

    private static string CoursePath(int courseId) => Uri.EscapeDataString(CoursePage(courseId));

    /// <summary>
    /// The purchase a log-in page was sent to continue, when the course can be bought and the pay_type names a
    /// provider (absent: Alipay, as the picker's default); null otherwise.
    /// </summary>
    public async Task<PendingPurchase?> PendingAsync(int? courseId, string? payType) =>
        courseId is { } id && BrowserCheckout.ChosenPayType(payType) is { } chosen
            && await catalog.GetDetailsAsync(id) is { IsOnSale: true } course
            ? new PendingPurchase(course, chosen)
            : null;

    /// <summary>
    /// Right after the learner signed in: places the order and leaves for the cashier (the page's navigation becomes
    /// the response's redirect). False when there is nothing to buy (already owned, off sale) or the order was refused:
    /// the caller then goes on to its return address, the course page, where 立即购买 is one press away.
    /// </summary>
    public async Task<bool> ContinueAsync(string userId, PendingPurchase? purchase, HttpContext? context)
    {
        if (purchase is null || await queries.OwnsCourseAsync(userId, purchase.Course.Id))
        {
            return false;
        }

        return await checkout.BuyAsync(
            () => orders.PlaceOrderAsync(userId, [purchase.Course.Id], payType: purchase.PayType), Buyer.Of(context)) is null;
    }
}

public static class RequestUserAgent
{
    /// <summary>The request's user agent (null outside a request, as under bUnit).</summary>
    public static string? UserAgent(this HttpContext? context) => context?.Request.Headers.UserAgent.ToString();
}
