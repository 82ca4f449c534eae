use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports host devices passed into a container (`--device`, Compose `devices`). Raw
    /// disks and memory (`/dev/sda`, `/dev/nvme0n1`, `/dev/mem`, `/dev/disk/…`) are high;
    /// everyday peripherals (`/dev/fuse`, `/dev/net/tun`, GPUs, sound, video, USB serial)
    /// are low; anything else is medium.
    ///
    /// ## Why is this bad?
    /// A device node bypasses the file-system isolation the container otherwise has: with a
    /// host disk it can read and rewrite any file on it, with `/dev/mem` the kernel's
    /// memory. Even benign devices extend the kernel attack surface the container reaches.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --device /dev/sda:/dev/xvda acme/backup:2.0
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -v backup-data:/data:ro acme/backup:2.0
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.18: ensure that host devices are not directly exposed to containers
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#device>
    pub static META = {
        code: "DW312",
        name: "host-device-exposed",
        category: Runtime,
        severity: Medium,
        summary: "a host device is exposed to the container",
        references: ["cis-1.6:5.18", "cwe:668"],
        fix: None,
        models: [Container],
    };
}

/// Device paths that are everyday peripherals.
const BENIGN: &[&str] = &[
    "/dev/fuse",
    "/dev/net/tun",
    "/dev/dri",
    "/dev/snd",
    "/dev/video",
    "/dev/ttyUSB",
    "/dev/ttyACM",
    "/dev/ttyAMA",
    "/dev/bus/usb",
    "/dev/usb",
    "/dev/nvidia",
    "/dev/kfd",
    "/dev/hidraw",
    "/dev/input",
    "/dev/i2c-",
    "/dev/gpiomem",
    "/dev/vchiq",
    "/dev/kvm",
    "/dev/vhost-net",
    "/dev/tty",
    "/dev/console",
];

/// Devices every container has anyway.
const HARMLESS: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/log",
    "/dev/shm",
    "/dev/ptmx",
    "/dev/pts",
    "/dev/stdin",
    "/dev/stdout",
    "/dev/stderr",
    "/dev/fd",
];

/// Raw disks, memory and ports.
const RAW: &[&str] = &[
    "/dev/mem",
    "/dev/kmem",
    "/dev/port",
    "/dev/sd",
    "/dev/hd",
    "/dev/vd",
    "/dev/xvd",
    "/dev/nvme",
    "/dev/mmcblk",
    "/dev/dm-",
    "/dev/md",
    "/dev/mapper",
    "/dev/disk",
    "/dev/loop",
    "/dev/sg",
    "/dev/cpu",
];

/// How risky a host device path is: high for raw disks and memory, low for everyday
/// peripherals, medium otherwise; `None` for devices every container has anyway.
pub(crate) fn device_risk(path: &str) -> Option<Severity> {
    let is = |list: &[&str]| list.iter().any(|p| path == *p || path.starts_with(p));
    if is(HARMLESS) {
        None
    } else if is(RAW) {
        Some(Severity::High)
    } else if is(BENIGN) {
        Some(Severity::Low)
    } else {
        Some(Severity::Medium)
    }
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for device in &cx.spec.devices {
        let Some(value) = device.get() else { continue };
        let host = value.split(':').next().unwrap_or(value);
        if host.contains('$') || !host.starts_with("/dev") {
            continue;
        }
        let Some(severity) = device_risk(host) else { continue };
        let what = match severity {
            Severity::High => {
                "a raw disk or memory device: the container can read and write it past every file permission"
            }
            Severity::Low => "a peripheral device",
            _ => "a host device",
        };
        out.push(
            cx.finding(&META, &device.at, format!("{} exposes `{host}` ({what})", cx.subject()))
                .with_severity(severity),
        );
    }
}
