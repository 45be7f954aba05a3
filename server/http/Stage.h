#pragma once

#include "http/HttpResponse.h"
#include "http/RequestContext.h"

#include <optional>

namespace cr {

// One step of the request pipeline. A stage either lets the request go on (nullopt) or answers
// it early. Stages are shared by every worker thread, so run() must be thread-safe.
class Stage
{
public:
    virtual ~Stage() = default;
    virtual const char *name() const = 0;
    virtual std::optional<HttpResponse> run(RequestContext &ctx) const = 0;
};

} // namespace cr
