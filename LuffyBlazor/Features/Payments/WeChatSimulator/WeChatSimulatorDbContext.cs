using LuffyBlazor.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay's own records (trades, refunds, notifies and their attempts), in a SQLite file of its own
/// beside the Alipay simulator's: they are WeChat's, not the shop's, and never enter the production schema. A context
/// of its own (not tables in <see cref="Simulator.SimulatorDbContext"/>) because either simulator can be on without
/// the other, and each feature folder keeps its model and migrations
/// (<c>Features/Payments/WeChatSimulator/Migrations</c>) to itself.
/// </summary>
public sealed class WeChatSimulatorDbContext(DbContextOptions<WeChatSimulatorDbContext> options) : DbContext(options)
{
    public DbSet<WeChatSimTrade> Trades => Set<WeChatSimTrade>();
    public DbSet<WeChatSimRefund> Refunds => Set<WeChatSimRefund>();
    public DbSet<WeChatSimNotification> Notifications => Set<WeChatSimNotification>();
    public DbSet<WeChatSimNotifyAttempt> NotifyAttempts => Set<WeChatSimNotifyAttempt>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseMoneyAsFenAndUtcTimes();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<WeChatSimTrade>(b =>
        {
            b.ToTable("WeChatSimTrades");
            b.Property(x => x.OutTradeNo).HasMaxLength(32);
            b.Property(x => x.AppId).HasMaxLength(32);
            b.Property(x => x.MchId).HasMaxLength(32);
            b.Property(x => x.Description).HasMaxLength(127);
            b.Property(x => x.NotifyUrl).HasMaxLength(256);
            b.Property(x => x.TradeType).HasMaxLength(16);
            b.Property(x => x.Token).HasMaxLength(32);
            b.Property(x => x.TransactionId).HasMaxLength(32);
            b.Property(x => x.TradeState).HasMaxLength(32);
            b.HasIndex(x => x.OutTradeNo).IsUnique();
            b.HasIndex(x => x.Token).IsUnique();
        });

        builder.Entity<WeChatSimRefund>(b =>
        {
            b.ToTable("WeChatSimRefunds");
            b.Property(x => x.OutRefundNo).HasMaxLength(64);
            b.Property(x => x.OutTradeNo).HasMaxLength(32);
            b.Property(x => x.RefundId).HasMaxLength(32);
            b.Property(x => x.Status).HasMaxLength(16);
            b.HasIndex(x => x.OutRefundNo).IsUnique();
        });

        builder.Entity<WeChatSimNotification>(b =>
        {
            b.ToTable("WeChatSimNotifications");
            b.Property(x => x.OutTradeNo).HasMaxLength(32);
            b.Property(x => x.EventType).HasMaxLength(32);
            b.Property(x => x.Url).HasMaxLength(256);
            b.Property(x => x.Body).HasMaxLength(8000);
            b.HasIndex(x => new { x.State, x.NextAttemptAt });
            b.HasIndex(x => x.TradeId);
            b.HasOne<WeChatSimTrade>().WithMany().HasForeignKey(x => x.TradeId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WeChatSimNotifyAttempt>(b =>
        {
            b.ToTable("WeChatSimNotifyAttempts");
            b.Property(x => x.Error).HasMaxLength(512);
            b.HasIndex(x => x.NotificationId);
            b.HasOne<WeChatSimNotification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>For <c>dotnet ef migrations add … --context WeChatSimulatorDbContext</c>: the context without a running app.</summary>
public sealed class WeChatSimulatorDesignTimeFactory : IDesignTimeDbContextFactory<WeChatSimulatorDbContext>
{
    public WeChatSimulatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<WeChatSimulatorDbContext>().UseSqlite("Data Source=wechatpay-simulator-design-time.db").Options);
}
