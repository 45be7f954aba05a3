#pragma once

#include <QString>

namespace cr {

class Router;

// GET /api (what this server is and where things are) and GET /api/openapi.json, generated
// from the route table so the reference cannot drift from the code.
class ApiInfoController
{
public:
    ApiInfoController(QString version, QString environment)
        : m_version(std::move(version))
        , m_environment(std::move(environment))
    {}
    // Register last: the OpenAPI document describes every route registered before it.
    void registerRoutes(Router &router) const;

private:
    QString m_version;
    QString m_environment;
};

} // namespace cr
