//! What jobs and sales say: complaints with their service type (ids of the seeded
//! `service_types`) and labour, cancel and void reasons.

/// (service type id, the description the front desk writes, the labour line it brings).
#[rustfmt::skip]
pub const SERVICE_JOBS: &[(i32, &str, &str)] = &[
    (1, "Squealing from the front brakes when stopping.", "Replace brake pads"),
    (1, "Brake pedal feels soft; pulls to the left under braking.", "Brake inspection and bleed"),
    (2, "Engine misfires when cold, check engine light on.", "Engine diagnosis and repair"),
    (2, "Oil leak under the engine after parking overnight.", "Trace and fix oil leak"),
    (3, "Knocking from the front suspension over bumps.", "Replace suspension parts"),
    (4, "Automatic gearbox slips between 2nd and 3rd.", "Transmission service"),
    (5, "Clutch slipping on hills.", "Replace clutch"),
    (6, "Steering wheel vibrates at highway speed.", "Steering check and repair"),
    (7, "Loud exhaust, rattle underneath at idle.", "Exhaust repair"),
    (8, "Temperature gauge climbs in traffic.", "Cooling system repair"),
    (9, "Oil and filter change.", "Oil change"),
    (9, "Oil change, top up fluids, check tyres.", "Oil change"),
    (10, "Rough idle and poor fuel economy.", "Tune-up"),
    (11, "Timing belt due by mileage.", "Replace timing belt"),
    (12, "Battery light on while driving.", "Replace alternator"),
    (13, "Clicks but will not start some mornings.", "Replace starter motor"),
    (14, "Hesitates when accelerating, smells of fuel.", "Fuel system cleaning"),
    (15, "Battery flat twice this week.", "Test and replace battery"),
    (16, "Rear lights stopped working after rain.", "Wiring repair"),
    (17, "Headlight out, passenger side.", "Replace bulbs"),
    (20, "Radio and cigarette lighter dead.", "Find and replace fuse"),
    (22, "Driver's window will not go up.", "Power window repair"),
    (24, "Air conditioning blows warm.", "Air conditioning service"),
    (27, "Scratch along the rear door, repaint.", "Paint repair"),
    (28, "Dent in the tailgate from a parking knock.", "Dent removal"),
    (30, "Crack across the windscreen.", "Windscreen replacement"),
    (31, "Front bumper cracked, clips broken.", "Bumper repair"),
    (33, "Two new front tyres.", "Fit and balance tyres"),
    (34, "Pulls to the right, uneven tyre wear.", "Wheel alignment"),
    (36, "Slow puncture, rear left.", "Puncture repair"),
    (39, "Annual service.", "Full service"),
    (39, "Service due, customer waiting.", "Interim service"),
    (40, "Pre-purchase inspection for a buyer.", "Inspection"),
    (41, "Warning lights on the dashboard.", "Diagnostics"),
    (43, "Air and cabin filters due.", "Replace filters"),
    (44, "Wipers smear the screen.", "Replace wiper blades"),
];

/// What a counter sale says; most say nothing.
pub const SALE_NOTES: &[&str] = &[
    "",
    "",
    "",
    "",
    "Counter sale.",
    "Phoned ahead, collected at the counter.",
    "Trade customer.",
];

/// Fixed labour prices (cents) for jobs charged by the job rather than the hour.
pub const FIXED_LABOUR_CENTS: &[i64] = &[2_500, 3_500, 4_500, 6_000, 8_000, 12_000];

/// Hours (hundredths) and hourly rates (cents) for labour charged by time.
pub const LABOUR_HOURS: &[i32] = &[50, 75, 100, 100, 150, 200, 250, 300, 400];
pub const LABOUR_RATES_CENTS: &[i64] = &[4_500, 6_000, 7_500, 9_000];

/// A second labour line some jobs carry.
pub const EXTRA_LABOUR: &[&str] = &[
    "Road test",
    "Diagnostics",
    "Safety check",
    "Wheel balancing",
];

pub const CANCEL_REASONS: &[&str] = &[
    "Customer declined the estimate.",
    "Parts not available in time.",
    "Customer took the car elsewhere.",
    "Entered twice by mistake.",
    "Customer did not bring the car in.",
];

pub const VOID_REASONS: &[&str] = &[
    "Issued to the wrong customer.",
    "Duplicate of another invoice.",
    "Prices entered wrongly; reissued.",
];
