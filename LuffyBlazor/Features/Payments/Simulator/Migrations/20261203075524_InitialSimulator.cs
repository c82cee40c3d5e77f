using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Features.Payments.Simulator.Migrations
{
    /// <inheritdoc />
    public partial class InitialSimulator : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SimulatorTrades",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OutTradeNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TradeNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TotalAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    NotifyUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    ReturnUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    TimeExpire = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PaidAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    BuyerId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    BuyerLogonId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RefundedAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    NotifyFault = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyCopies = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyDelay = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    TamperAmount = table.Column<bool>(type: "INTEGER", nullable: false),
                    TamperSignature = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorTrades", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TradeId = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NotifyUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    TradeStatusSent = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Form = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorNotifications_SimulatorTrades_TradeId",
                        column: x => x.TradeId,
                        principalTable: "SimulatorTrades",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorRefunds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TradeId = table.Column<int>(type: "INTEGER", nullable: false),
                    OutRequestNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RefundedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorRefunds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorRefunds_SimulatorTrades_TradeId",
                        column: x => x.TradeId,
                        principalTable: "SimulatorTrades",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SimulatorNotifyAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NotificationId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HttpStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Accepted = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SimulatorNotifyAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SimulatorNotifyAttempts_SimulatorNotifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "SimulatorNotifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifications_State_NextAttemptAt",
                table: "SimulatorNotifications",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifications_TradeId",
                table: "SimulatorNotifications",
                column: "TradeId");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorNotifyAttempts_NotificationId",
                table: "SimulatorNotifyAttempts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorRefunds_TradeId_OutRequestNo",
                table: "SimulatorRefunds",
                columns: new[] { "TradeId", "OutRequestNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_AppId_OutTradeNo",
                table: "SimulatorTrades",
                columns: new[] { "AppId", "OutTradeNo" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_CreatedAt",
                table: "SimulatorTrades",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SimulatorTrades_TradeNo",
                table: "SimulatorTrades",
                column: "TradeNo",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SimulatorNotifyAttempts");

            migrationBuilder.DropTable(
                name: "SimulatorRefunds");

            migrationBuilder.DropTable(
                name: "SimulatorNotifications");

            migrationBuilder.DropTable(
                name: "SimulatorTrades");
        }
    }
}
