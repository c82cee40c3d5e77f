using Microsoft.AspNetCore.Components;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Sends the browser of a shop page (static server rendering, a form post) to Alipay's cashier: the page's
/// <see cref="NavigationManager"/> turns the navigation into a redirect. Phones are told from the request's user agent.
/// </summary>
public sealed class BrowserCheckout(Checkout checkout, NavigationManager navigation)
{
    /// <summary>Leaves for the cashier; false (and the browser stays) when the order can no longer be paid.</summary>
    public bool GoToCashier(OrderView order, string? userAgent)
    {
        var url = checkout.PaymentUrl(order, new Uri(navigation.BaseUri), Checkout.IsMobile(userAgent));
        if (url is null)
        {
            return false;
        }

        navigation.NavigateTo(url);
        return true;
    }

    /// <summary>
    /// Places an order with <paramref name="place"/> and leaves for the cashier. The live order a second click gets
    /// back may have run out of time on the way here; then a fresh one is placed. Null when the browser is on its
    /// way, otherwise what to tell the learner.
    /// </summary>
    public async Task<string?> BuyAsync(Func<Task<PlaceOrderResult>> place, string? userAgent)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await place();
            if (!result.Succeeded)
            {
                return result.Error;
            }

            if (GoToCashier(OrderView.Of(result.Order!), userAgent))
            {
                return null;
            }
        }

        return "订单已临近支付期限，请稍后重新下单";
    }
}
