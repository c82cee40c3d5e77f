using System.ComponentModel.DataAnnotations;

namespace LuffyBlazor.Features.Orders;

public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>How long an unpaid order can be paid; also sent to Alipay as <c>time_expire</c>.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the sweeper looks for unpaid orders past their deadline.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Run the timeout sweeper in this instance.</summary>
    public bool SweeperEnabled { get; set; } = true;

    [Range(1, 100, ErrorMessage = "Orders:MaxCoursesPerOrder must be between 1 and 100.")]
    public int MaxCoursesPerOrder { get; set; } = 20;
}
