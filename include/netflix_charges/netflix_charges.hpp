#pragma once

// Everything of the core library: the service, its types, the storage port and the
// in-memory store. Test support is separate: <netflix_charges/testing.hpp>.

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/clock.hpp>
#include <netflix_charges/decimal.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/identity.hpp>
#include <netflix_charges/journal.hpp>
#include <netflix_charges/limits.hpp>
#include <netflix_charges/memory_store.hpp>
#include <netflix_charges/operations.hpp>
#include <netflix_charges/operator_id.hpp>
#include <netflix_charges/report.hpp>
#include <netflix_charges/sample_data.hpp>
#include <netflix_charges/service.hpp>
#include <netflix_charges/version.hpp>
