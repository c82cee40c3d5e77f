using LuffyBlazor.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>
/// The simulated Alipay's own records (trades, refunds, notifies and their attempts), in a SQLite file of its own:
/// they are Alipay's, not the shop's, and never enter the production schema. Its migrations are in
/// <c>Features/Payments/Simulator/Migrations</c>.
/// </summary>
public sealed class SimulatorDbContext(DbContextOptions<SimulatorDbContext> options) : DbContext(options)
{
    public DbSet<SimulatorTrade> Trades => Set<SimulatorTrade>();
    public DbSet<SimulatorRefund> Refunds => Set<SimulatorRefund>();
    public DbSet<SimulatorNotification> Notifications => Set<SimulatorNotification>();
    public DbSet<SimulatorNotifyAttempt> NotifyAttempts => Set<SimulatorNotifyAttempt>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseMoneyAsFenAndUtcTimes();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<SimulatorTrade>(b =>
        {
            b.ToTable("SimulatorTrades");
            b.Property(x => x.AppId).HasMaxLength(32);
            b.Property(x => x.OutTradeNo).HasMaxLength(64);
            b.Property(x => x.TradeNo).HasMaxLength(64);
            b.Property(x => x.Subject).HasMaxLength(256);
            b.Property(x => x.ProductCode).HasMaxLength(64);
            b.Property(x => x.Status).HasMaxLength(32);
            b.Property(x => x.NotifyUrl).HasMaxLength(512);
            b.Property(x => x.ReturnUrl).HasMaxLength(512);
            b.Property(x => x.BuyerId).HasMaxLength(32);
            b.Property(x => x.BuyerLogonId).HasMaxLength(64);
            b.Property(x => x.Version).IsConcurrencyToken();
            b.HasIndex(x => new { x.AppId, x.OutTradeNo }).IsUnique();
            b.HasIndex(x => x.TradeNo).IsUnique();
            b.HasIndex(x => x.CreatedAt);
        });

        builder.Entity<SimulatorRefund>(b =>
        {
            b.ToTable("SimulatorRefunds");
            b.Property(x => x.OutRequestNo).HasMaxLength(64);
            b.Property(x => x.Reason).HasMaxLength(256);
            b.HasIndex(x => new { x.TradeId, x.OutRequestNo }).IsUnique();
            b.HasOne<SimulatorTrade>().WithMany().HasForeignKey(x => x.TradeId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SimulatorNotification>(b =>
        {
            b.ToTable("SimulatorNotifications");
            b.Property(x => x.NotifyId).HasMaxLength(64);
            b.Property(x => x.NotifyUrl).HasMaxLength(512);
            b.Property(x => x.TradeStatusSent).HasMaxLength(32);
            b.Property(x => x.Form).HasMaxLength(8000);
            b.HasIndex(x => new { x.State, x.NextAttemptAt });
            b.HasIndex(x => x.TradeId);
            b.HasOne<SimulatorTrade>().WithMany().HasForeignKey(x => x.TradeId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SimulatorNotifyAttempt>(b =>
        {
            b.ToTable("SimulatorNotifyAttempts");
            b.Property(x => x.Answer).HasMaxLength(256);
            b.Property(x => x.Error).HasMaxLength(512);
            b.HasIndex(x => x.NotificationId);
            b.HasOne<SimulatorNotification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>For <c>dotnet ef migrations add … --context SimulatorDbContext</c>: the context without a running app.</summary>
public sealed class SimulatorDesignTimeFactory : IDesignTimeDbContextFactory<SimulatorDbContext>
{
    public SimulatorDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SimulatorDbContext>().UseSqlite("Data Source=simulator-design-time.db").Options);
}
