//! dockward_report (under construction)
